// WASI file systems through real guests: a full round trip in a preopened directory, and every way out of it
// refused.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "guest_harness.h"

namespace capsule {
namespace {

namespace fs = std::filesystem;
using testing::GuestRun;
using testing::ReadHostFile;
using testing::RunGuest;
using testing::TempDir;

constexpr int kNotcapable = 76;
constexpr int kLoop = 32;

std::string Describe(const GuestRun& r) {
  return (r.status.ok() ? "exit " + std::to_string(r.exit_code) : "error: " + r.status.error().message) +
         "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

TEST(WasiFilesTest, RoundTripInPreopenedDirectory) {
  TempDir dir;
  WasiOptions o;
  o.args = {"files"};
  o.preopens.push_back({dir.path(), "/sandbox"});
  GuestRun r = RunGuest("wasi_files", o);
  ASSERT_TRUE(r.status.ok()) << Describe(r);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("\nok\n"), std::string::npos) << Describe(r);
  EXPECT_EQ(ReadHostFile(dir.path() + "/result.txt"), "hello!");
  EXPECT_FALSE(fs::exists(dir.path() + "/d"));
}

// The guest sees <base>/root as its preopen; <base>/outside holds what it must never reach.
class WasiEscapeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = base_.path() + "/root";
    outside_ = base_.path() + "/outside";
    fs::create_directories(root_ + "/sub");
    fs::create_directories(outside_);
    std::ofstream(root_ + "/file.txt") << "inside";
    std::ofstream(outside_ + "/secret.txt") << "secret";
    fs::create_directory_symlink(outside_, root_ + "/link_abs");      // absolute, pointing out
    fs::create_directory_symlink("../outside", root_ + "/link_rel");  // relative, pointing out
    fs::create_directory_symlink("sub", root_ + "/link_in");          // stays inside
    fs::create_symlink("../../outside/secret.txt", root_ + "/sub/deep_secret");
  }

  // Runs the sandbox guest on specs ("op:path[:path2]") and returns the errno each produced.
  std::map<std::string, int> Probe(const std::vector<std::string>& specs) {
    WasiOptions o;
    o.args = {"sandbox"};
    o.args.insert(o.args.end(), specs.begin(), specs.end());
    o.preopens.push_back({root_, "/sandbox"});
    GuestRun r = RunGuest("wasi_sandbox", o);
    EXPECT_TRUE(r.status.ok()) << Describe(r);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    std::map<std::string, int> result;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
      auto arrow = line.find(" -> ");
      if (arrow != std::string::npos) result[line.substr(0, arrow)] = std::stoi(line.substr(arrow + 4));
    }
    EXPECT_EQ(result.size(), specs.size()) << Describe(r);
    return result;
  }

  TempDir base_;
  std::string root_, outside_;
};

TEST_F(WasiEscapeTest, InsidePathsWork) {
  auto r = Probe({"open:file.txt", "open:link_in/../file.txt", "open:sub/../file.txt", "lstat:link_abs",
                  "readlink:link_abs", "opendir:link_in", "create:sub/new.txt"});
  for (const auto& [spec, err] : r) EXPECT_EQ(err, 0) << spec;
  EXPECT_TRUE(fs::exists(root_ + "/sub/new.txt"));
}

TEST_F(WasiEscapeTest, DotDotAndAbsolutePathsAreRefused) {
  auto r = Probe({"open:../outside/secret.txt", "open:..", "open:sub/../../outside/secret.txt", "open:/etc/passwd",
                  "stat:../outside", "opendir:/", "create:../created.txt", "mkdir:../newdir", "rmdir:..",
                  "unlink:../outside/secret.txt", "rename:file.txt:../stolen.txt",
                  "rename:../outside/secret.txt:stolen.txt", "link:../outside/secret.txt:hard",
                  "symlink:/etc/passwd:abs", "utimes:../outside/secret.txt", "readlink:../root/link_abs"});
  for (const auto& [spec, err] : r) EXPECT_EQ(err, kNotcapable) << spec;
}

TEST_F(WasiEscapeTest, SymlinksLeadingOutAreRefused) {
  auto r = Probe({"open:link_abs/secret.txt", "open:link_rel/secret.txt", "open:sub/deep_secret",
                  "open:link_in/../link_rel/secret.txt", "stat:link_abs", "stat:sub/deep_secret", "opendir:link_rel",
                  "create:link_rel/created.txt", "mkdir:link_abs/newdir", "unlink:link_rel/secret.txt",
                  "rename:link_rel/secret.txt:stolen.txt", "rename:file.txt:link_rel/stolen.txt",
                  "link:link_rel/secret.txt:hard", "linkf:sub/deep_secret:hard2", "utimes:link_abs",
                  "readlink:link_rel/", "symlink:x:link_abs/planted"});
  for (const auto& [spec, err] : r) EXPECT_EQ(err, kNotcapable) << spec;
  EXPECT_EQ(Probe({"open_nofollow:link_abs"})["open_nofollow:link_abs"], kLoop);
}

TEST_F(WasiEscapeTest, NothingOutsideChanged) {
  Probe({"create:../created.txt", "create:link_rel/created.txt", "mkdir:link_abs/newdir", "mkdir:../newdir",
         "unlink:link_rel/secret.txt", "rename:file.txt:../stolen.txt", "symlink:x:link_abs/planted",
         "linkf:sub/deep_secret:hard2"});
  EXPECT_FALSE(fs::exists(base_.path() + "/created.txt"));
  EXPECT_FALSE(fs::exists(outside_ + "/created.txt"));
  EXPECT_FALSE(fs::exists(outside_ + "/newdir"));
  EXPECT_FALSE(fs::exists(base_.path() + "/newdir"));
  EXPECT_FALSE(fs::exists(base_.path() + "/stolen.txt"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(outside_ + "/planted")));
  EXPECT_FALSE(fs::exists(root_ + "/hard2"));
  EXPECT_EQ(ReadHostFile(outside_ + "/secret.txt"), "secret");
  EXPECT_EQ(ReadHostFile(root_ + "/file.txt"), "inside");
}

// Thousands of calls with random fds, flags, hostile paths and bad pointers: each must come back as an errno
// (no trap, no host crash), and nothing may appear outside the preopen.
TEST(WasiFuzzTest, RandomCallsNeverCrashTheHost) {
  for (const char* seed : {"1", "2", "3", "4"}) {
    TempDir base;
    std::string root = base.path() + "/root";
    fs::create_directories(root);
    WasiOptions o;
    o.args = {"fuzz", seed, "20000"};
    o.preopens.push_back({root, "/sandbox"});
    GuestRun r = RunGuest("wasi_fuzz", o);
    ASSERT_TRUE(r.status.ok()) << "seed " << seed << ": " << Describe(r);
    EXPECT_EQ(r.exit_code, 0) << "seed " << seed;
    std::vector<std::string> outside;
    for (const auto& entry : fs::directory_iterator(base.path())) outside.push_back(entry.path().filename());
    EXPECT_EQ(outside, std::vector<std::string>{"root"}) << "seed " << seed;
  }
}

// The host's stdio is a stream even when it is a file: random calls on it may append, never seek back, truncate
// or rewrite what the host wrote.
TEST(WasiFuzzTest, HostFileAsStdoutOnlyGrows) {
  TempDir base;
  std::string root = base.path() + "/root", out = base.path() + "/stdout.txt";
  fs::create_directories(root);
  int fd = open(out.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "HOSTDATA", 8), 8);
  WasiOptions o;
  o.args = {"fuzz", "5", "20000"};
  o.preopens.push_back({root, "/sandbox"});
  o.stdin_fd = -1;
  o.stdout_fd = fd;
  o.stderr_fd = fd;
  int exit_code = -1;
  Status s = testing::RunGuestAsIs("wasi_fuzz", o, &exit_code);
  close(fd);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(exit_code, 0);
  EXPECT_EQ(ReadHostFile(out).substr(0, 8), "HOSTDATA");
}

}  // namespace
}  // namespace capsule
