// DirectoryFilePolicy: grants, guest names, and escapes refused by the kernel.
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "capsule/host.h"

namespace capsule {
namespace {

namespace fs = std::filesystem;

class FilePolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "capsule-policy-XXXXXX").string();
    root_ = ::mkdtemp(pattern.data());
    fs::create_directories(root_ + "/granted/sub");
    fs::create_directories(root_ + "/outside");
    std::ofstream(root_ + "/granted/sub/in.txt") << "in";
    std::ofstream(root_ + "/outside/out.txt") << "out";
    fs::create_symlink(root_ + "/outside/out.txt", root_ + "/granted/abs-link");
    fs::create_symlink("../outside/out.txt", root_ + "/granted/rel-link");
    fs::create_symlink("sub/in.txt", root_ + "/granted/inner-link");
  }
  void TearDown() override { fs::remove_all(root_); }

  // The content read through the policy, or "ERR:<message>".
  std::string Read(const FilePolicy& policy, const std::string& path) {
    auto fd = policy.Open(path, O_RDONLY, 0);
    if (!fd) return "ERR:" + fd.error().message;
    char buf[64];
    ssize_t n = ::read(*fd, buf, sizeof buf);
    ::close(*fd);
    return n < 0 ? "ERR:read" : std::string(buf, static_cast<size_t>(n));
  }
  std::string root_;
};

TEST_F(FilePolicyTest, GuestNamesMapToGrants) {
  auto policy = DirectoryFilePolicy({{root_ + "/granted", "/data"}});
  EXPECT_EQ(Read(*policy, "/data/sub/in.txt"), "in");
  EXPECT_EQ(Read(*policy, "/data//sub/./in.txt"), "in");
  EXPECT_EQ(Read(*policy, "sub/in.txt"), "in");  // relative: the first grant
  EXPECT_EQ(Read(*policy, "inner-link"), "in");  // a symlink staying inside is fine
  EXPECT_EQ(Read(*policy, "/database/x"), "ERR:permission denied: outside the allowed directories");
}

TEST_F(FilePolicyTest, EscapesAreRefused) {
  auto policy = DirectoryFilePolicy({{root_ + "/granted", "."}});
  const std::string refused = "ERR:permission denied: the path leaves the allowed directories";
  EXPECT_EQ(Read(*policy, "../outside/out.txt"), refused);
  EXPECT_EQ(Read(*policy, "sub/../../outside/out.txt"), refused);
  EXPECT_EQ(Read(*policy, "abs-link"), refused);
  EXPECT_EQ(Read(*policy, "rel-link"), refused);
  EXPECT_EQ(Read(*policy, root_ + "/outside/out.txt"), "ERR:permission denied: outside the allowed directories");
  EXPECT_EQ(Read(*policy, fs::canonical(root_).string() + "/granted/sub/in.txt"), "in");  // "." answers to its path
  auto write = policy->Open("../outside/new.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  EXPECT_FALSE(write.ok());
  EXPECT_FALSE(fs::exists(root_ + "/outside/new.txt"));
}

TEST_F(FilePolicyTest, MissingFilesAndEmptyPaths) {
  auto policy = DirectoryFilePolicy({{root_ + "/granted", "."}});
  EXPECT_EQ(Read(*policy, "nope.txt"), "ERR:no such file or directory");
  EXPECT_EQ(Read(*policy, ""), "ERR:no such file or directory");
}

}  // namespace
}  // namespace capsule
