#include "runner_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "process.h"

namespace capsule::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

RunnerProcess::RunnerProcess(const std::string& binary, std::vector<std::string> args, std::vector<std::string> env,
                             const std::string& ready_marker) {
  dir_ = MakeTempDir();
  args.insert(args.begin(), binary);
  const std::string out = dir_ + "/stdout", err = dir_ + "/stderr";
  pid_ = ::fork();
  if (pid_ == 0) {
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ReadFile(out).find(ready_marker) != std::string::npos) {
      ready_ = true;
      return;
    }
    int status;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

RunnerProcess::~RunnerProcess() {
  if (pid_ > 0 && !exited_) {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void RunnerProcess::Signal(int signal) {
  if (pid_ > 0 && !exited_) ::kill(pid_, signal);
}

int RunnerProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

std::string RunnerProcess::Stdout() const {
  return ReadFile(dir_ + "/stdout");
}

std::string RunnerProcess::Stderr() const {
  return ReadFile(dir_ + "/stderr");
}

bool RunnerProcess::WaitForStdout(const std::string& text, std::chrono::milliseconds timeout) const {
  return WaitUntil([&] { return Stdout().find(text) != std::string::npos; }, timeout);
}

bool RunnerProcess::WaitForStderr(const std::string& text, std::chrono::milliseconds timeout) const {
  return WaitUntil([&] { return Stderr().find(text) != std::string::npos; }, timeout);
}

int RunnerProcess::NumberAfter(const std::string& prefix) const {
  const std::string text = Stdout();
  const size_t at = text.find(prefix);
  return at == std::string::npos ? 0 : std::atoi(text.c_str() + at + prefix.size());
}

}  // namespace capsule::testing
