#include "runner_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "process.h"
#include "wait.h"

namespace capsule::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

RunnerProcess::RunnerProcess(const std::string& binary, std::vector<std::string> args, std::vector<std::string> env,
                             const std::string& ready_marker)
    : dir_(MakeTempDir()) {
  args.insert(args.begin(), binary);
  std::vector<std::string> environment = ChildEnvironment(env);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string out = dir_ + "/stdout", err = dir_ + "/stderr";
  pid_ = ::fork();
  if (pid_ == 0) {
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  if (!ready_marker.empty()) ready_ = WaitForStdout(ready_marker);
}

int RunnerProcess::NumberAfter(const std::string& prefix) const {
  const std::string text = Stdout();
  const size_t at = text.find(prefix);
  return at == std::string::npos ? 0 : std::atoi(text.c_str() + at + prefix.size());
}

RunnerProcess::~RunnerProcess() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool RunnerProcess::running() {
  if (pid_ <= 0 || exited_) return false;
  int status;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
  exited_ = true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

void RunnerProcess::Signal(int signal) {
  if (running()) ::kill(pid_, signal);
}

int RunnerProcess::Wait(std::chrono::milliseconds timeout) {
  if (!WaitUntil([&] { return !running(); }, timeout)) return -1;
  return exit_code_;
}

std::string RunnerProcess::Stdout() const {
  return ReadAll(dir_ + "/stdout");
}
std::string RunnerProcess::Stderr() const {
  return ReadAll(dir_ + "/stderr");
}

bool RunnerProcess::WaitForStdout(const std::string& text, std::chrono::milliseconds timeout) {
  return WaitForOutput(true, text, timeout);
}
bool RunnerProcess::WaitForStderr(const std::string& text, std::chrono::milliseconds timeout) {
  return WaitForOutput(false, text, timeout);
}

bool RunnerProcess::WaitForOutput(bool out, const std::string& text, std::chrono::milliseconds timeout) {
  auto written = [&] { return (out ? Stdout() : Stderr()).find(text) != std::string::npos; };
  WaitUntil([&] { return written() || !running(); }, timeout);
  return written();
}

}  // namespace capsule::testing
