// `capsule run` with a guest checking the rights of directory fds (tests/guests/wasi/dir_rights.c), its directory
// mounted as the guest's "/" the way the WASI testsuite mounts its test directories.
#include <gtest/gtest.h>

#include <filesystem>

#include "process.h"

namespace capsule::testing {
namespace {

namespace fs = std::filesystem;

class CliWasiRightsTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_P(CliWasiRightsTest, DirectoriesHaveNoSeekTellOrWrite) {
  auto r = RunProcess({BinaryPath("capsule"), "run", "--dir", dir_ + ":" + GetParam(), GuestPath("wasi_dir_rights")});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(", 0 failures"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ + "/dir"));
}

INSTANTIATE_TEST_SUITE_P(GuestPaths, CliWasiRightsTest, ::testing::Values("/", "/data"));

}  // namespace
}  // namespace capsule::testing
