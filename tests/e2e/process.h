// Test support: run a real binary with given stdin, environment and working directory; capture its output.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace capsule::testing {

// How to run a process.
struct RunOptions {
  std::string stdin_data;                    // written to its stdin, which is then closed
  std::vector<std::string> env;              // "K=V" entries added to (or replacing in) the test's environment
  std::string cwd;                           // working directory; empty: the test's
  std::chrono::milliseconds timeout{60000};  // killed (SIGKILL) after this long
};

// What the process did.
struct RunResult {
  int exit_code = -1;  // exit status, or 128 + signal when killed by a signal
  std::string out;
  std::string err;
  bool timed_out = false;
};

// Runs argv[0] (a path) with argv, waits for it and returns its output and exit status.
RunResult RunProcess(const std::vector<std::string>& argv, const RunOptions& options = {});

// The test's environment with the "K=V" entries of env added (or replacing the same K), for execve. The machine's
// proxy variables (http_proxy, https_proxy, all_proxy, no_proxy, in either case) are left out, so that a proxy set
// where the tests run never carries their loopback traffic; a test that wants a proxy names it in env.
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& env);

// Path of a built runner, e.g. BinaryPath("capsule") -> <build>/src/runners/capsule/capsule.
std::string BinaryPath(const std::string& runner);

// Path of a built guest module, e.g. GuestPath("hello") -> <build>/guests/hello.wasm.
std::string GuestPath(const std::string& name);

// A fresh empty directory under the system temp dir, removed by the caller (or left for inspection).
std::string MakeTempDir();

}  // namespace capsule::testing
