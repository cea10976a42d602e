#include "faas/child_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <mutex>
#include <string>

namespace capsule::faas {
namespace {

using std::chrono::milliseconds;

// A spec with the test's prefix on forwarded lines.
ChildSpec Spec(std::string executable, std::vector<std::string> args, std::vector<std::string> env = {}) {
  ChildSpec spec;
  spec.executable = std::move(executable);
  spec.args = std::move(args);
  spec.env = std::move(env);
  spec.log_prefix = "[child_process_test] ";
  return spec;
}

bool ProcEntryExists(pid_t pid) {
  struct stat st;
  return ::stat(("/proc/" + std::to_string(pid)).c_str(), &st) == 0;
}

TEST(ChildProcessTest, ReadsItsOutputAndItsExit) {
  std::atomic<int> out_lines{0}, err_lines{0};
  auto child =
      ChildProcess::Start(Spec("/bin/sh", {"-c", "echo one; echo two >&2; printf three; exit 3"}),
                          [&](std::string_view, bool from_stderr) { (from_stderr ? err_lines : out_lines)++; });
  ASSERT_TRUE(child.ok()) << child.error().message;
  ASSERT_TRUE((*child)->WaitForExit(milliseconds(5000)));
  EXPECT_EQ((*child)->DescribeExit(), "exit code 3");
  pid_t pid = (*child)->pid();
  child->reset();                  // waits for the output's end
  EXPECT_EQ(out_lines.load(), 2);  // "three" has no newline but ends the stream
  EXPECT_EQ(err_lines.load(), 1);
  EXPECT_FALSE(ProcEntryExists(pid));
}

TEST(ChildProcessTest, PassesArgumentsAndEnvironment) {
  std::string seen;
  std::mutex mutex;
  auto child =
      ChildProcess::Start(Spec("/bin/sh", {"-c", "echo \"$1-$FAAS_TEST_VAR\"", "sh", "arg"}, {"FAAS_TEST_VAR=v"}),
                          [&](std::string_view line, bool) {
                            std::lock_guard<std::mutex> lock(mutex);
                            seen = line;
                          });
  ASSERT_TRUE(child.ok());
  ASSERT_TRUE((*child)->WaitForExit(milliseconds(5000)));
  child->reset();
  EXPECT_EQ(seen, "arg-v");
}

TEST(ChildProcessTest, LastLinesKeepsTheEnd) {
  auto child = ChildProcess::Start(Spec("/bin/sh", {"-c", "for i in $(seq 1 30); do echo line$i; done"}));
  ASSERT_TRUE(child.ok());
  ASSERT_TRUE((*child)->WaitForExit(milliseconds(5000)));
  (*child)->WaitForExit(milliseconds(100));
  // The pump may still be reading; the last line arrives soon after the exit.
  for (int i = 0; i < 100 && ((*child)->LastLines().empty() || (*child)->LastLines().back() != "line30"); ++i) {
    ::usleep(10000);
  }
  auto lines = (*child)->LastLines();
  ASSERT_EQ(lines.size(), 20u);
  EXPECT_EQ(lines.front(), "line11");
  EXPECT_EQ(lines.back(), "line30");
}

TEST(ChildProcessTest, TerminateUsesSigtermThenSigkill) {
  auto polite = ChildProcess::Start(Spec("/bin/sleep", {"30"}));
  ASSERT_TRUE(polite.ok());
  EXPECT_TRUE((*polite)->Terminate(milliseconds(5000)));
  EXPECT_EQ((*polite)->DescribeExit(), "killed by signal " + std::to_string(SIGTERM));

  auto stubborn =
      ChildProcess::Start(Spec("/bin/sh", {"-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"}));
  ASSERT_TRUE(stubborn.ok());
  for (int i = 0; i < 200 && (*stubborn)->LastLines().empty(); ++i) ::usleep(10000);
  pid_t pid = (*stubborn)->pid();
  EXPECT_FALSE((*stubborn)->Terminate(milliseconds(200)));
  EXPECT_EQ((*stubborn)->DescribeExit(), "killed by signal " + std::to_string(SIGKILL));
  EXPECT_FALSE(ProcEntryExists(pid));
}

TEST(ChildProcessTest, AMissingProgramIsAnError) {
  auto child = ChildProcess::Start(Spec("/nonexistent/program", {}));
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.error().code, ErrorCode::kNotFound);
  EXPECT_NE(child.error().message.find("/nonexistent/program"), std::string::npos);
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);  // no child left to reap
}

TEST(ChildProcessTest, AProcessLeftBehindDoesNotHoldUpTheEnd) {
  // The background sleep keeps the pipes open after sh exited: reading stops a while after the exit anyway.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);  // the sleep becomes our child: the test ends it
  std::atomic<pid_t> left_behind{0};
  auto child = ChildProcess::Start(Spec("/bin/sh", {"-c", "sleep 30 & echo $!"}),
                                   [&](std::string_view line, bool) { left_behind = std::stoi(std::string(line)); });
  ASSERT_TRUE(child.ok());
  ASSERT_TRUE((*child)->WaitForExit(milliseconds(5000)));
  const auto start = std::chrono::steady_clock::now();
  child->reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3500));
  ASSERT_GT(left_behind.load(), 0);
  ::kill(left_behind, SIGKILL);
  EXPECT_EQ(::waitpid(left_behind, nullptr, 0), left_behind);
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
}

TEST(ChildProcessTest, DestroyingKillsAndReaps) {
  pid_t pid;
  {
    auto child = ChildProcess::Start(Spec("/bin/sleep", {"30"}));
    ASSERT_TRUE(child.ok());
    pid = (*child)->pid();
    EXPECT_TRUE((*child)->running());
  }
  EXPECT_FALSE(ProcEntryExists(pid));
}

}  // namespace
}  // namespace capsule::faas
