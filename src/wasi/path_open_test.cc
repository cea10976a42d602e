// path_open and fd_fdstat_get called directly on a WASI state with a preopened directory, without an engine: the
// rights a directory fd gets, and the access modes a directory cannot be opened with.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "functions.h"

namespace capsule::wasi {
namespace {

namespace fs = std::filesystem;

// Linear memory backed by a vector.
class FakeMemory : public Memory {
 public:
  FakeMemory() : bytes_(4096) {}
  std::optional<uint64_t> max_pages() override { return 1; }
  Result<uint64_t> Grow(uint64_t) override { return Fail(ErrorCode::kResourceLimit, "a fake memory does not grow"); }

 protected:
  void Refresh(uint8_t*& base, size_t& size) override {
    base = bytes_.data();
    size = bytes_.size();
  }

 private:
  std::vector<uint8_t> bytes_;
};

constexpr uint32_t kPre = 3;         // the preopen's fd
constexpr uint32_t kPathPtr = 0;     // where the path is stored in guest memory
constexpr uint32_t kFdOut = 1024;    // where path_open stores the new fd
constexpr uint32_t kStatOut = 1032;  // where fd_fdstat_get stores the fdstat

class WasiPathOpenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/capsule_path_open_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directory(root_ / "dir");
    std::ofstream(root_ / "file.txt") << "x";
    WasiOptions options;
    options.stdin_fd = options.stdout_fd = options.stderr_fd = -1;
    options.preopens.push_back({root_.string(), "/"});
    auto created = WasiContext::Create(options);
    ASSERT_TRUE(created.ok()) << created.error().message;
    context_ = std::move(*created);
  }
  void TearDown() override { fs::remove_all(root_); }

  Call MakeCall() { return Call{static_cast<WasiState&>(*context_), &memory_}; }

  // path_open beneath the preopen; *fd is the new fd on success.
  Errno Open(const std::string& path, uint32_t oflags, uint64_t rights, uint32_t* fd = nullptr) {
    Call c = MakeCall();
    EXPECT_TRUE(memory_.Write(kPathPtr, path.data(), path.size()).ok());
    EXPECT_TRUE(memory_.WriteU32(kFdOut, 0xdeadbeef).ok());
    Errno r = PathOpen(c, kPre, 0, kPathPtr, static_cast<uint32_t>(path.size()), oflags, rights, 0, 0, kFdOut);
    if (fd) *fd = *memory_.ReadU32(kFdOut);
    return r;
  }

  // fs_rights_base as fd_fdstat_get reports it.
  uint64_t BaseRightsOf(uint32_t fd) {
    Call c = MakeCall();
    EXPECT_EQ(FdFdstatGet(c, fd, kStatOut), Errno::kSuccess);
    return *memory_.ReadU64(kStatOut + 8);
  }

  fs::path root_;
  std::unique_ptr<WasiContext> context_;
  FakeMemory memory_;
};

constexpr uint64_t kSeekTell = rights::kFdSeek | rights::kFdTell;

TEST_F(WasiPathOpenTest, DirectoriesNeverHaveSeekOrTell) {
  EXPECT_EQ(BaseRightsOf(kPre) & kSeekTell, 0u);
  uint32_t fd = 0;
  ASSERT_EQ(Open("dir", kOflagDirectory, rights::kFdReaddir | kSeekTell, &fd), Errno::kSuccess);
  EXPECT_EQ(BaseRightsOf(fd), rights::kFdReaddir);
  ASSERT_EQ(Open("dir", 0, BaseRights(FileType::kDirectory) | kSeekTell, &fd), Errno::kSuccess);
  EXPECT_EQ(BaseRightsOf(fd), BaseRights(FileType::kDirectory));
  Call c = MakeCall();
  EXPECT_EQ(FdSeek(c, fd, 1, kWhenceSet, kStatOut), Errno::kNotcapable);
  EXPECT_EQ(FdSeek(c, fd, 0, kWhenceCur, kStatOut), Errno::kNotcapable);
  EXPECT_EQ(FdTell(c, fd, kStatOut), Errno::kNotcapable);
}

TEST_F(WasiPathOpenTest, FilesKeepTheRightsAskedFor) {
  uint32_t fd = 0;
  uint64_t asked = rights::kFdRead | kSeekTell;
  ASSERT_EQ(Open("file.txt", 0, asked, &fd), Errno::kSuccess);
  EXPECT_EQ(BaseRightsOf(fd), asked);
}

TEST_F(WasiPathOpenTest, DirectoryOpensForReadingOnly) {
  uint32_t fd = 0;
  EXPECT_EQ(Open(".", kOflagDirectory, rights::kFdRead, &fd), Errno::kSuccess);
  EXPECT_EQ(Open("dir", kOflagDirectory, 0, &fd), Errno::kSuccess);
  EXPECT_EQ(Open(".", kOflagDirectory, rights::kFdRead | rights::kFdWrite, &fd), Errno::kIsdir);
  EXPECT_EQ(fd, 0xdeadbeef);  // nothing stored
  EXPECT_EQ(Open("dir", kOflagDirectory, rights::kFdWrite), Errno::kIsdir);
  EXPECT_EQ(Open("dir", kOflagDirectory, rights::kFdRead | rights::kFdFilestatSetSize), Errno::kIsdir);
  EXPECT_EQ(Open("dir", 0, rights::kFdRead | rights::kFdWrite), Errno::kIsdir);
  EXPECT_EQ(Open("file.txt", kOflagDirectory, rights::kFdRead | rights::kFdWrite), Errno::kNotdir);
  EXPECT_EQ(Open("file.txt", kOflagDirectory, rights::kFdRead), Errno::kNotdir);
}

}  // namespace
}  // namespace capsule::wasi
