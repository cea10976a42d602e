// The sandbox resolver against a real directory tree with symlinks pointing in and out.
#include "sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace capsule::wasi {
namespace {

namespace fs = std::filesystem;

class WasiSandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capsule_sandbox_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    root_ = base_ / "root";
    fs::create_directories(root_ / "sub" / "inner");
    fs::create_directories(base_ / "outside");
    std::ofstream(root_ / "sub" / "file.txt") << "inside";
    std::ofstream(base_ / "outside" / "secret.txt") << "secret";
    fs::create_directory_symlink("/etc", root_ / "link_abs");
    fs::create_directory_symlink("..", root_ / "link_parent");
    fs::create_directory_symlink("sub", root_ / "link_in");
    fs::create_directory_symlink("..", root_ / "sub" / "link_up");
    fs::create_directory_symlink("../..", root_ / "sub" / "link_upup");
    fs::create_symlink("../outside/secret.txt", root_ / "link_secret");
    dirfd_ = open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(dirfd_, 0);
  }
  void TearDown() override {
    close(dirfd_);
    fs::remove_all(base_);
  }

  Errno Open(const std::string& path, int flags = O_RDONLY) {
    UniqueFd fd;
    return OpenBeneath(dirfd_, path, flags, 0, &fd);
  }
  static ino_t Inode(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 ? st.st_ino : 0;
  }
  ino_t InodeOf(const fs::path& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
  }

  fs::path base_, root_;
  int dirfd_ = -1;
};

TEST_F(WasiSandboxTest, OpensPathsInside) {
  EXPECT_EQ(Open("sub/file.txt"), Errno::kSuccess);
  EXPECT_EQ(Open("./sub/../sub/file.txt"), Errno::kSuccess);
  EXPECT_EQ(Open("link_in/file.txt"), Errno::kSuccess);
  EXPECT_EQ(Open("sub/link_up/sub/file.txt"), Errno::kSuccess);
  EXPECT_EQ(Open("sub/", O_RDONLY | O_DIRECTORY), Errno::kSuccess);
  EXPECT_EQ(Open("."), Errno::kSuccess);
}

TEST_F(WasiSandboxTest, RefusesEscapes) {
  EXPECT_EQ(Open("../outside/secret.txt"), Errno::kNotcapable);
  EXPECT_EQ(Open(".."), Errno::kNotcapable);
  EXPECT_EQ(Open("sub/../../outside/secret.txt"), Errno::kNotcapable);
  EXPECT_EQ(Open("/etc/passwd"), Errno::kNotcapable);
  EXPECT_EQ(Open("link_abs/passwd"), Errno::kNotcapable);
  EXPECT_EQ(Open("link_parent/outside/secret.txt"), Errno::kNotcapable);
  EXPECT_EQ(Open("sub/link_upup/outside/secret.txt"), Errno::kNotcapable);
  EXPECT_EQ(Open("link_secret"), Errno::kNotcapable);
  EXPECT_EQ(Open("/proc/self/root/etc/passwd"), Errno::kNotcapable);
}

TEST_F(WasiSandboxTest, RejectsMalformedPaths) {
  EXPECT_EQ(Open(""), Errno::kNoent);
  EXPECT_EQ(Open(std::string("sub\0x", 5)), Errno::kInval);
  EXPECT_EQ(Open("missing"), Errno::kNoent);
  EXPECT_EQ(Open(std::string(5000, 'a')), Errno::kNametoolong);
  EXPECT_EQ(Open("link_in", O_RDONLY | O_NOFOLLOW), Errno::kLoop);
  EXPECT_EQ(Open("sub/file.txt/", O_RDONLY), Errno::kNotdir);
}

TEST_F(WasiSandboxTest, ParentOfSingleComponentIsTheDirectory) {
  ParentDir p;
  ASSERT_EQ(OpenParent(dirfd_, "new.txt", &p), Errno::kSuccess);
  EXPECT_EQ(p.fd, dirfd_);
  EXPECT_EQ(p.name, "new.txt");
}

TEST_F(WasiSandboxTest, ParentOfNestedPath) {
  ParentDir p;
  ASSERT_EQ(OpenParent(dirfd_, "sub//inner/new", &p), Errno::kSuccess);
  EXPECT_EQ(p.name, "new");
  EXPECT_EQ(Inode(p.fd), InodeOf(root_ / "sub" / "inner"));

  ParentDir q;
  ASSERT_EQ(OpenParent(dirfd_, "sub/inner/", &q), Errno::kSuccess);
  EXPECT_EQ(q.name, "inner/");
  EXPECT_EQ(Inode(q.fd), InodeOf(root_ / "sub"));
}

TEST_F(WasiSandboxTest, DotAndDotDotAreResolvedAsDirectories) {
  ParentDir p;
  ASSERT_EQ(OpenParent(dirfd_, "sub/inner/..", &p), Errno::kSuccess);
  EXPECT_EQ(p.name, ".");
  EXPECT_EQ(Inode(p.fd), InodeOf(root_ / "sub"));

  ParentDir q;
  EXPECT_EQ(OpenParent(dirfd_, "..", &q), Errno::kNotcapable);
  EXPECT_EQ(OpenParent(dirfd_, "sub/../..", &q), Errno::kNotcapable);
}

TEST_F(WasiSandboxTest, ParentRefusesEscapes) {
  ParentDir p;
  EXPECT_EQ(OpenParent(dirfd_, "/tmp/x", &p), Errno::kNotcapable);
  EXPECT_EQ(OpenParent(dirfd_, "../x", &p), Errno::kNotcapable);
  EXPECT_EQ(OpenParent(dirfd_, "link_abs/x", &p), Errno::kNotcapable);
  EXPECT_EQ(OpenParent(dirfd_, "sub/link_upup/x", &p), Errno::kNotcapable);
  EXPECT_EQ(OpenParent(dirfd_, "", &p), Errno::kNoent);
}

}  // namespace
}  // namespace capsule::wasi
