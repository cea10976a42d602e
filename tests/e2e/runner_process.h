// Test support: a runner (capsule-http, capsule-nats, capsule-mqtt) started in the background, its stdout and stderr
// captured in files, ready once it printed a marker line.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace capsule::testing {

// A running process. The destructor kills it (SIGKILL) if it still runs.
class RunnerProcess {
 public:
  // Starts binary with args and env ("K=V" entries added to the environment), then waits (30 s at most) until its
  // stdout holds ready_marker or it exits. ready() tells which.
  RunnerProcess(const std::string& binary, std::vector<std::string> args, std::vector<std::string> env,
                const std::string& ready_marker);
  virtual ~RunnerProcess();
  RunnerProcess(const RunnerProcess&) = delete;
  RunnerProcess& operator=(const RunnerProcess&) = delete;

  // Whether it printed the marker (and is serving).
  bool ready() const { return ready_; }
  int pid() const { return pid_; }
  // Sends a signal.
  void Signal(int signal);
  // Waits for the exit; returns the exit code (128 + signal when killed), or -1 after the timeout.
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Everything it wrote so far on stdout and stderr.
  std::string Stdout() const;
  std::string Stderr() const;
  // Waits until its stdout (or stderr) contains text; false after the timeout.
  bool WaitForStdout(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
  bool WaitForStderr(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
  // The number after `prefix` in its stdout (e.g. the port of "listening on http://0.0.0.0:"), or 0.
  int NumberAfter(const std::string& prefix) const;

 private:
  int pid_ = -1;
  bool exited_ = false;
  bool ready_ = false;
  std::string dir_;
};

// Polls condition every 20 ms until it holds or timeout passes; returns its last value.
template <class Condition>
bool WaitUntil(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace capsule::testing

#include <thread>

namespace capsule::testing {
template <class Condition>
bool WaitUntil(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}
}  // namespace capsule::testing
