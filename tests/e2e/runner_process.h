// Test support: a long-running runner (capsule-http, capsule-mqtt, ...) started in the background, its stdout and
// stderr written to files the test can read at any time while it runs.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "wait.h"

namespace capsule::testing {

// One runner process. The destructor kills it (SIGKILL) if it still runs and removes its output files.
class RunnerProcess {
 public:
  // Starts binary with args (without argv[0]) and env ("K=V" entries added to the test's environment); with a
  // ready_marker, then waits (30 s at most) until its stdout holds it: ready() tells whether it did.
  RunnerProcess(const std::string& binary, std::vector<std::string> args, std::vector<std::string> env = {},
                const std::string& ready_marker = "");
  virtual ~RunnerProcess();
  RunnerProcess(const RunnerProcess&) = delete;
  RunnerProcess& operator=(const RunnerProcess&) = delete;

  int pid() const { return pid_; }
  // Whether it printed the ready marker (always true without one).
  bool ready() const { return ready_; }
  // The number after `prefix` in its stdout (e.g. the port of "metrics on http://127.0.0.1:"), or 0.
  int NumberAfter(const std::string& prefix) const;
  // Whether it has not exited yet (reaps it when it has: Wait then answers at once).
  bool running();
  // Sends a signal, unless it exited.
  void Signal(int signal);
  // Waits for the exit; returns the exit code (128 + signal when killed), or -1 after the timeout.
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Everything it wrote so far on stdout and stderr.
  std::string Stdout() const;
  std::string Stderr() const;
  // Waits until its stdout (stderr) contains text; false after timeout or once it exited without writing it.
  bool WaitForStdout(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool WaitForStderr(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  bool WaitForOutput(bool out, const std::string& text, std::chrono::milliseconds timeout);

  int pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
  bool ready_ = true;
  std::string dir_;
};

}  // namespace capsule::testing
