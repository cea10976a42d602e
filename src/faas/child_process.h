// One child process that we started: its output read through pipes, its death watched by a reaper thread that
// waits for this pid only, so it never becomes a zombie and no one else's child is reaped.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "capsule/result.h"
#include "faas/line_pump.h"

namespace capsule::faas {

// What to run.
struct ChildSpec {
  std::string executable;         // path of the program (no PATH search)
  std::vector<std::string> args;  // arguments after argv[0]
  std::vector<std::string> env;   // "K=V" entries added to (or replacing in) our environment
  std::string log_prefix;         // put before every forwarded output line, e.g. "[hello/1#0] "
};

// A started child. It gets SIGKILL when the thread that started it dies (PR_SET_PDEATHSIG), so start children
// from a thread that lives as long as they should. Destroying a ChildProcess kills it (SIGKILL) if it still runs
// and waits until it is reaped and its output is read to the end.
class ChildProcess {
 public:
  // Forks and executes spec.executable with stdin on /dev/null and stdout/stderr into pipes read by a LinePump
  // (on_line sees each line). Fails with kNotFound or kIo when the program cannot be executed.
  static Result<std::unique_ptr<ChildProcess>> Start(const ChildSpec& spec, LineCallback on_line = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The child's pid (still valid after it exited: it is never signalled then).
  pid_t pid() const { return pid_; }
  // Whether it has not exited yet.
  bool running() const;
  // Its wait status (as from waitpid) once it exited.
  std::optional<int> wait_status() const;
  // Waits at most timeout for it to exit; true when it has.
  bool WaitForExit(std::chrono::milliseconds timeout) const;
  // Sends a signal unless it already exited (never to a pid that was reaped and maybe reused).
  void Signal(int signal);
  // SIGTERM, then SIGKILL if it still runs after grace; returns once it was reaped. true when it ended on SIGTERM.
  bool Terminate(std::chrono::milliseconds grace);
  // The last lines it printed on stdout or stderr, oldest first.
  std::vector<std::string> LastLines() const;
  // Waits at most timeout until its output was read to the end (after its exit, the last lines may still be in
  // the pipes); true when it was.
  bool WaitForOutputEnd(std::chrono::milliseconds timeout) const { return pump_->WaitForEnd(timeout); }
  // A readable account of its exit ("exit code 1", "killed by signal 9"), or "running".
  std::string DescribeExit() const;

 private:
  ChildProcess(pid_t pid, std::unique_ptr<LinePump> pump);
  void Reap();

  pid_t pid_;
  mutable std::mutex mutex_;
  mutable std::condition_variable exited_cv_;
  std::optional<int> status_;
  std::unique_ptr<LinePump> pump_;
  std::thread reaper_;
};

}  // namespace capsule::faas
