#include "faas/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace capsule::faas {
namespace {

// Our environment with the "K=V" entries of extra added (replacing the same K).
std::vector<std::string> MergedEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> merged;
  auto key_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    bool replaced = false;
    for (const auto& x : extra) replaced = replaced || key_of(x) == key_of(entry);
    if (!replaced) merged.push_back(std::move(entry));
  }
  merged.insert(merged.end(), extra.begin(), extra.end());
  return merged;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

void CloseAll(std::initializer_list<int> fds) {
  for (int fd : fds) {
    if (fd >= 0) ::close(fd);
  }
}

// In the forked child: only async-signal-safe calls until execve. Reports errno through error_fd on failure.
[[noreturn]] void ExecChild(pid_t parent, int null_fd, int out_fd, int err_fd, int error_fd, const char* path,
                            char** argv, char** envp) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the parent died before prctl: do not outlive it
  // A process group of its own: a Ctrl-C in the front's terminal reaches the front only, which then stops its
  // children gracefully (sharing the group, they got SIGINT too and died while the front could still restart them).
  ::setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP}) ::sigaction(sig, &dfl, nullptr);
  if (::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 || ::dup2(err_fd, STDERR_FILENO) < 0) {
    int e = errno;
    (void)!::write(error_fd, &e, sizeof(e));
    ::_exit(127);
  }
  // Every other descriptor of the parent (other children's pipes, listening sockets) closes at exec.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  ::execve(path, argv, envp);
  int e = errno;
  (void)!::write(error_fd, &e, sizeof(e));
  ::_exit(127);
}

}  // namespace

Result<std::unique_ptr<ChildProcess>> ChildProcess::Start(const ChildSpec& spec, LineCallback on_line) {
  std::vector<std::string> argv_strings{spec.executable};
  argv_strings.insert(argv_strings.end(), spec.args.begin(), spec.args.end());
  std::vector<std::string> env_strings = MergedEnvironment(spec.env);
  std::vector<char*> argv = Pointers(argv_strings);
  std::vector<char*> envp = Pointers(env_strings);

  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, error_pipe[2] = {-1, -1};
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(error_pipe, O_CLOEXEC) != 0) {
    std::string message = std::string("cannot create pipes: ") + std::strerror(errno);
    CloseAll({null_fd, out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], error_pipe[0], error_pipe[1]});
    return Fail(ErrorCode::kIo, message);
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    std::string message = std::string("cannot fork: ") + std::strerror(errno);
    CloseAll({null_fd, out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], error_pipe[0], error_pipe[1]});
    return Fail(ErrorCode::kIo, message);
  }
  if (pid == 0) {
    ExecChild(parent, null_fd, out_pipe[1], err_pipe[1], error_pipe[1], spec.executable.c_str(), argv.data(),
              envp.data());
  }
  CloseAll({null_fd, out_pipe[1], err_pipe[1], error_pipe[1]});
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(error_pipe[0], &exec_errno, sizeof(exec_errno));
  } while (n < 0 && errno == EINTR);
  ::close(error_pipe[0]);
  if (n > 0) {  // execve failed: the child exits at once
    CloseAll({out_pipe[0], err_pipe[0]});
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ErrorCode code = exec_errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo;
    return Fail(code, "cannot execute " + spec.executable + ": " + std::strerror(exec_errno));
  }
  auto pump = std::make_unique<LinePump>(out_pipe[0], err_pipe[0], spec.log_prefix, std::move(on_line));
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, std::move(pump)));
}

ChildProcess::ChildProcess(pid_t pid, std::unique_ptr<LinePump> pump) : pid_(pid), pump_(std::move(pump)) {
  reaper_ = std::thread([this] { Reap(); });
}

ChildProcess::~ChildProcess() {
  Signal(SIGKILL);
  if (reaper_.joinable()) reaper_.join();
  pump_.reset();  // reads the pipes to their end
}

void ChildProcess::Reap() {
  // Wait without reaping, then reap under the lock: Signal never sees a reaped (maybe reused) pid as running.
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  std::lock_guard<std::mutex> lock(mutex_);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  status_ = status;
  exited_cv_.notify_all();
}

bool ChildProcess::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !status_.has_value();
}

std::optional<int> ChildProcess::wait_status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

bool ChildProcess::WaitForExit(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return exited_cv_.wait_for(lock, timeout, [this] { return status_.has_value(); });
}

void ChildProcess::Signal(int signal) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!status_) ::kill(pid_, signal);
}

bool ChildProcess::Terminate(std::chrono::milliseconds grace) {
  Signal(SIGTERM);
  if (WaitForExit(grace)) return true;
  Signal(SIGKILL);
  WaitForExit(std::chrono::hours(1));
  return false;
}

std::vector<std::string> ChildProcess::LastLines() const {
  return pump_->LastLines();
}

std::string ChildProcess::DescribeExit() const {
  auto status = wait_status();
  if (!status) return "running";
  if (WIFEXITED(*status)) return "exit code " + std::to_string(WEXITSTATUS(*status));
  if (WIFSIGNALED(*status)) return "killed by signal " + std::to_string(WTERMSIG(*status));
  return "stopped";
}

}  // namespace capsule::faas
