// Test helper: runs a guest from CAPSULE_GUEST_DIR as a WASI command through the real engine, with stdio on pipes.
#pragma once

#include <string>

#include "capsule/result.h"
#include "capsule/wasi.h"

namespace capsule::testing {

// What a guest run produced.
struct GuestRun {
  Status status;      // an error when the run failed (trap, link error, ...); exit_code is then meaningless
  int exit_code = 0;  // 0 when _start returned, N after proc_exit(N)
  std::string out;    // everything written to fd 1
  std::string err;    // everything written to fd 2
};

// How to feed stdin: the bytes, then whether to close the pipe (EOF) or keep it open and empty afterwards.
struct Stdin {
  std::string data;
  bool close = true;
};

// Runs guest `name` (NAME.wasm) with options; its stdin/stdout/stderr fds are replaced by pipes. stdin.data must
// fit a pipe buffer (64 KiB).
GuestRun RunGuest(const std::string& name, WasiOptions options, const Stdin& stdin = {});

// Runs guest `name` with options exactly as given (stdio included); *exit_code is set when the status is Ok.
Status RunGuestAsIs(const std::string& name, const WasiOptions& options, int* exit_code);

// A fresh directory under /tmp, removed with everything in it at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The whole content of a host file, or "<missing>".
std::string ReadHostFile(const std::string& path);

}  // namespace capsule::testing
