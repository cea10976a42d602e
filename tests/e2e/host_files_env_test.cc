// End-to-end: hostPrintString, hostLogString, hostTalk, and hostGetEnv, hostReadFile, hostWriteFile under the
// capability flags (--env-allow, --dir) through the `capsule` CLI; every sandbox escape refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "process.h"

namespace capsule::testing {
namespace {

namespace fs = std::filesystem;

class HostFilesEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    outside_ = MakeTempDir();
    std::ofstream(dir_ + "/hello.txt") << "inside";
    std::ofstream(outside_ + "/secret.txt") << "secret";
  }
  void TearDown() override {
    fs::remove_all(dir_);
    fs::remove_all(outside_);
  }
  // Runs the services guest with --params=params and extra flags, in dir_ as working directory.
  RunResult Call(const std::string& params, std::vector<std::string> flags = {}, std::vector<std::string> env = {}) {
    std::vector<std::string> argv = {BinaryPath("capsule"), "--wasm=" + GuestPath("host_services"),
                                     "--params=" + params};
    argv.insert(argv.end(), flags.begin(), flags.end());
    RunOptions options;
    options.cwd = dir_;
    options.env = std::move(env);
    return RunProcess(argv, options);
  }
  std::string dir_, outside_;
};

TEST_F(HostFilesEnvTest, PrintLogTalk) {
  auto r = Call("print:hello");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "hello\nprinted\n");
  r = Call("log:a line");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find(" : a line\nlogged\n"), std::string::npos) << r.out;
  r = Call("talk:hi");
  EXPECT_EQ(r.out, "\xF0\x9F\x9F\xA3 message from the WASM module: hi\nHello \xF0\x9F\x98\x80 I'm the host\n");
}

TEST_F(HostFilesEnvTest, EnvDefaultExposesTheProcessEnvironment) {
  auto r = Call("env:MESSAGE", {}, {"MESSAGE=hello"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "hello\n");
}

TEST_F(HostFilesEnvTest, EnvAllowListHidesTheRest) {
  std::vector<std::string> env = {"APP_NAME=demo", "SECRET_TOKEN=s3cr3t"};
  auto allowed = Call("env:APP_NAME", {"--env-allow=APP_*"}, env);
  EXPECT_EQ(allowed.out, "demo\n");
  auto hidden = Call("env:SECRET_TOKEN", {"--env-allow=APP_*"}, env);
  EXPECT_EQ(hidden.exit_code, 0);
  EXPECT_EQ(hidden.out, "\n");  // empty, as an unset variable, without trapping
  auto given = Call("env:EXTRA", {"--env-allow=APP_*", "--env=EXTRA=given"}, env);
  EXPECT_EQ(given.out, "given\n");  // --env values are always visible
}

TEST_F(HostFilesEnvTest, DefaultIsTheWorkingDirectory) {
  auto r = Call("read:hello.txt");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "inside\n");
  r = Call("read:./hello.txt");
  EXPECT_EQ(r.out, "inside\n");
  r = Call("read:" + fs::canonical(dir_).string() + "/hello.txt");  // its absolute path works too
  EXPECT_EQ(r.out, "inside\n");
  r = Call("write:new.txt=written");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "new.txt\n");
  std::ifstream in(dir_ + "/new.txt");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "written");
}

TEST_F(HostFilesEnvTest, EmptyFileIsAnEmptySuccess) {
  std::ofstream(dir_ + "/empty.txt").flush();
  auto r = Call("read:empty.txt");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\n");
}

TEST_F(HostFilesEnvTest, EscapesAreRefused) {
  fs::create_directory(dir_ + "/sub");
  fs::create_symlink(outside_ + "/secret.txt", dir_ + "/link.txt");
  fs::create_symlink(outside_, dir_ + "/linkdir");
  fs::create_symlink("../../" + fs::path(outside_).filename().string(), dir_ + "/sub/relative-link");
  std::string outside_name = fs::path(outside_).filename().string();
  std::vector<std::string> escapes = {"../" + outside_name + "/secret.txt",
                                      "sub/../../x",
                                      outside_ + "/secret.txt",
                                      "/etc/passwd",
                                      "link.txt",
                                      "linkdir/secret.txt",
                                      "sub/relative-link/secret.txt"};
  for (const std::string& path : escapes) {
    auto r = Call("read:" + path);
    EXPECT_EQ(r.exit_code, 1) << path;
    EXPECT_NE(r.out, "secret\n") << path;
    EXPECT_EQ(r.out.rfind("open " + path + ": ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("permission denied"), std::string::npos) << r.out;
  }
  auto w = Call("write:../escaped.txt=x");
  EXPECT_EQ(w.exit_code, 1);
  EXPECT_FALSE(fs::exists(fs::path(dir_).parent_path() / "escaped.txt"));
  w = Call("write:link.txt=overwritten");
  EXPECT_EQ(w.exit_code, 1);
  std::ifstream in(outside_ + "/secret.txt");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "secret");
}

TEST_F(HostFilesEnvTest, DirGrantsMapGuestPaths) {
  fs::create_directory(dir_ + "/data");
  std::ofstream(dir_ + "/data/a.txt") << "from data";
  auto r = Call("read:/data/a.txt", {"--dir=./data:/data"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "from data\n");
  r = Call("read:a.txt", {"--dir=./data:/data"});  // relative: the first grant
  EXPECT_EQ(r.out, "from data\n");
  r = Call("read:hello.txt", {"--dir=./data:/data"});  // the working directory is no longer granted
  EXPECT_EQ(r.exit_code, 1);
  r = Call("read:/data/../hello.txt", {"--dir=./data:/data"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("permission denied"), std::string::npos) << r.out;
  r = Call("read:" + outside_ + "/secret.txt", {"--dir=./data:/data", "--dir=" + outside_});
  EXPECT_EQ(r.out, "secret\n");
}

}  // namespace
}  // namespace capsule::testing
