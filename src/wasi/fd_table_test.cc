// The fd table: numbering, rights, ownership of host fds.
#include "fd_table.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "state.h"

namespace capsule::wasi {
namespace {

bool IsOpen(int fd) {
  return fcntl(fd, F_GETFD) != -1;
}

FdEntry File(int host_fd, bool owned = true) {
  FdEntry e;
  e.host_fd = host_fd;
  e.owned = owned;
  e.type = FileType::kRegularFile;
  e.rights_base = BaseRights(FileType::kRegularFile);
  return e;
}

TEST(WasiFdTableTest, AllocatesLowestFreeNumber) {
  FdTable table(16);
  uint32_t fd = 99;
  ASSERT_EQ(table.InsertAt(1, File(dup(1))), Errno::kSuccess);
  ASSERT_EQ(table.Insert(File(dup(1)), &fd), Errno::kSuccess);
  EXPECT_EQ(fd, 0u);
  ASSERT_EQ(table.Insert(File(dup(1)), &fd), Errno::kSuccess);
  EXPECT_EQ(fd, 2u);
  ASSERT_EQ(table.Close(0), Errno::kSuccess);
  ASSERT_EQ(table.Insert(File(dup(1)), &fd), Errno::kSuccess);
  EXPECT_EQ(fd, 0u);
  EXPECT_EQ(table.InsertAt(1, File(-1, false)), Errno::kExist);
}

TEST(WasiFdTableTest, ChecksRights) {
  FdTable table(4);
  FdEntry e = File(dup(1));
  e.rights_base = rights::kFdRead;
  ASSERT_EQ(table.InsertAt(0, std::move(e)), Errno::kSuccess);
  FdEntry* out = nullptr;
  EXPECT_EQ(table.Get(0, rights::kFdRead, &out), Errno::kSuccess);
  EXPECT_NE(out, nullptr);
  EXPECT_EQ(table.Get(0, rights::kFdRead | rights::kFdWrite, &out), Errno::kNotcapable);
  EXPECT_EQ(table.Get(1, 0, &out), Errno::kBadf);
  EXPECT_EQ(table.Get(12345, 0, &out), Errno::kBadf);
}

TEST(WasiFdTableTest, ClosesOnlyOwnedHostFds) {
  int owned = dup(1), borrowed = dup(1);
  {
    FdTable table(4);
    ASSERT_EQ(table.InsertAt(0, File(owned)), Errno::kSuccess);
    ASSERT_EQ(table.InsertAt(1, File(borrowed, false)), Errno::kSuccess);
    ASSERT_EQ(table.Close(1), Errno::kSuccess);
    EXPECT_TRUE(IsOpen(borrowed));
    EXPECT_EQ(table.Close(1), Errno::kBadf);
  }
  EXPECT_FALSE(IsOpen(owned));
  EXPECT_TRUE(IsOpen(borrowed));
  close(borrowed);
}

TEST(WasiFdTableTest, RenumberReplacesTarget) {
  int a = dup(1), b = dup(1);
  FdTable table(4);
  ASSERT_EQ(table.InsertAt(0, File(a)), Errno::kSuccess);
  ASSERT_EQ(table.InsertAt(3, File(b)), Errno::kSuccess);
  EXPECT_EQ(table.Renumber(0, 3), Errno::kSuccess);
  EXPECT_FALSE(IsOpen(b));
  EXPECT_EQ(table.Find(0), nullptr);
  ASSERT_NE(table.Find(3), nullptr);
  EXPECT_EQ(table.Find(3)->host_fd, a);
  EXPECT_EQ(table.Renumber(0, 3), Errno::kBadf);
  EXPECT_EQ(table.Renumber(3, 3), Errno::kSuccess);
}

TEST(WasiFdTableTest, EnforcesMaximum) {
  FdTable table(2);
  uint32_t fd;
  ASSERT_EQ(table.Insert(File(dup(1)), &fd), Errno::kSuccess);
  ASSERT_EQ(table.Insert(File(dup(1)), &fd), Errno::kSuccess);
  int extra = dup(1);
  EXPECT_EQ(table.Insert(File(extra), &fd), Errno::kNfile);
  EXPECT_TRUE(IsOpen(extra));  // the caller still owns it
  close(extra);
  EXPECT_EQ(table.InsertAt(2, File(-1, false)), Errno::kNfile);
}

TEST(WasiFdTableTest, CountsChanges) {
  FdTable table(16);
  uint32_t fd = 0, other = 0;
  EXPECT_EQ(table.changes(), 0u);
  ASSERT_EQ(table.Insert(File(dup(1)), &fd), Errno::kSuccess);
  ASSERT_EQ(table.Insert(File(dup(1)), &other), Errno::kSuccess);
  EXPECT_EQ(table.changes(), 2u);
  FdEntry* e = nullptr;
  ASSERT_EQ(table.Get(fd, 0, &e), Errno::kSuccess);  // reading is no change
  EXPECT_EQ(table.changes(), 2u);
  ASSERT_EQ(table.Renumber(fd, other), Errno::kSuccess);
  ASSERT_EQ(table.Close(other), Errno::kSuccess);
  EXPECT_EQ(table.changes(), 4u);
}

TEST(WasiFdTableTest, AFreshContextHasNoChangedFds) {
  WasiOptions options;
  options.preopens.push_back({"/tmp", "/tmp"});
  auto context = WasiContext::Create(options);
  ASSERT_TRUE(context.ok()) << context.error().message;
  EXPECT_FALSE((*context)->FdsChanged());
  static_cast<WasiState&>(**context).fds.Close(3);
  EXPECT_TRUE((*context)->FdsChanged());
}

}  // namespace
}  // namespace capsule::wasi
