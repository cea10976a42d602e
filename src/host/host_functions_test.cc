// End-to-end: the Capsule host functions called by real guests (tests/guests/abi), current and legacy.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "abi/guest_harness.h"
#include "capsule/abi.h"
#include "capsule/host.h"

namespace capsule {
namespace {

using testing::Guest;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::unique_ptr<Guest> StartOrDie(std::string_view name, HostOptions host = {}) {
  auto guest = Guest::Start(name, std::move(host));
  EXPECT_TRUE(guest.ok()) << guest.error().message;
  return guest.ok() ? std::move(*guest) : nullptr;
}

Reply Call(Guest& guest, std::string_view input) {
  auto reply = CallHandle(guest.instance(), input);
  EXPECT_TRUE(reply.ok()) << reply.error().message;
  return reply.ok() ? *reply : Reply{false, "call failed: " + reply.error().message, 0};
}

Reply CallLegacy(Guest& guest, std::vector<std::string> args) {
  return Call(guest, JoinLegacyArgs(args));
}

// A fresh directory under the system's temporary directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "capsule-host-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Host options granting the guest dir under its own absolute path.
HostOptions Granting(const TempDir& dir) {
  HostOptions host;
  host.policy.dirs = {{dir.path(), dir.path()}};
  return host;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(HostFunctions, RegisteredForEverySignatureGeneration) {
  Linker linker;
  AddCapsuleHostFunctions(linker);
  for (const char* name : {"hostPrintString",
                           "hostLogString",
                           "hostTalk",
                           "hostGetEnv",
                           "hostReadFile",
                           "hostWriteFile",
                           "hostHTTP",
                           "hostCacheSet",
                           "hostCacheGet",
                           "hostCacheDel",
                           "hostCacheKeys",
                           "hostRedisSet",
                           "hostRedisGet",
                           "hostRedisDel",
                           "hostRedisKeys",
                           "hostRequestParamsGet",
                           "hostGetHostInformation",
                           "hostHttp",
                           "hostMemorySet",
                           "hostMemoryGet",
                           "hostMemoryKeys",
                           "hostCouchBaseQuery",
                           "hostNatsPublish",
                           "hostNatsRequest",
                           "hostNatsReply",
                           "hostNatsGetSubject",
                           "hostNatsGetServer",
                           "hostNatsConnectPublish",
                           "hostNatsConnectRequest",
                           "hostMqttPublish",
                           "hostMqttGetTopic",
                           "hostMqttGetServer",
                           "hostMqttGetClientId",
                           "hostMqttConnectPublish"}) {
    int with_result = 0, without = 0;
    for (const auto& def : linker.definitions()) {
      if (def->module != "env" || def->name != name) continue;
      for (ValType t : def->type.params) EXPECT_EQ(t, ValType::kI32);
      (def->type.results.empty() ? without : with_result)++;
    }
    EXPECT_EQ(with_result, 1) << name;
    EXPECT_EQ(without, 1) << name;
  }
}

TEST(HostFunctions, WorkDuringStart) {
  HostOptions host;
  host.env = FakeEnv({{"CAPSULE_START_ENV", "at start"}});
  auto guest = StartOrDie("abi_host", host);
  ASSERT_TRUE(guest);
  EXPECT_THAT(guest->output().Text(), HasSubstr("hello from _start\n"));
  EXPECT_THAT(guest->output().Text(), HasSubstr("\xF0\x9F\x9F\xA3 message from the WASM module: from _start\n"));
  Reply reply = Call(*guest, "start:");
  EXPECT_EQ(reply.data, "env=at start talk=Hello \xF0\x9F\x98\x80 I'm the host");
}

TEST(HostFunctions, PrintAndLog) {
  auto guest = StartOrDie("abi_host");
  ASSERT_TRUE(guest);
  guest->output().Clear();
  EXPECT_EQ(Call(*guest, "print:Hello \xF0\x9F\x8C\x8D").data, "printed");
  EXPECT_EQ(guest->output().Text(), "Hello \xF0\x9F\x8C\x8D\n");
  guest->output().Clear();
  EXPECT_EQ(Call(*guest, "print:").data, "printed");
  EXPECT_EQ(guest->output().Text(), "\n");
  guest->output().Clear();
  EXPECT_EQ(Call(*guest, "log:a log line").data, "logged");
  EXPECT_THAT(guest->output().Text(),
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)? [-+][0-9]{4} [^ ]+ "
                           ": a log line\n"));
}

TEST(HostFunctions, GetEnv) {
  HostOptions host;
  host.env = FakeEnv({{"MESSAGE", "hello"}, {"EMPTY", ""}});
  auto guest = StartOrDie("abi_host", host);
  ASSERT_TRUE(guest);
  Reply set = Call(*guest, "env:MESSAGE");
  EXPECT_TRUE(set.ok);
  EXPECT_EQ(set.data, "hello");
  EXPECT_EQ(Call(*guest, "env:NOT_SET").data, "");  // raw, no S/F: empty when unset
  EXPECT_EQ(Call(*guest, "env:EMPTY").data, "");
}

TEST(HostFunctions, GetEnvFromTheProcessByDefault) {
  ::setenv("CAPSULE_HOST_TEST_VAR", "from the process", 1);
  auto guest = StartOrDie("abi_host");
  ASSERT_TRUE(guest);
  EXPECT_EQ(Call(*guest, "env:CAPSULE_HOST_TEST_VAR").data, "from the process");
  ::unsetenv("CAPSULE_HOST_TEST_VAR");
}

TEST(HostFunctions, Talk) {
  HostOptions host;
  host.talk_reply = "custom greeting";
  auto guest = StartOrDie("abi_host", host);
  ASSERT_TRUE(guest);
  guest->output().Clear();
  EXPECT_EQ(Call(*guest, "talk:hi host").data, "custom greeting");
  EXPECT_EQ(guest->output().Text(), "\xF0\x9F\x9F\xA3 message from the WASM module: hi host\n");
}

TEST(HostFunctions, EmptyAnswersDoNotCallAllocateBuffer) {
  HostOptions host;
  host.talk_reply = "";
  auto guest = StartOrDie("abi_host", host);
  ASSERT_TRUE(guest);
  Reply talk = Call(*guest, "talk:hi");
  EXPECT_TRUE(talk.ok);
  EXPECT_EQ(talk.data, "");
}

TEST(HostFunctions, EnvAllowListHidesOtherVariables) {
  HostOptions host;
  host.env = FakeEnv({{"APP_NAME", "demo"}, {"TOKEN", "secret"}});
  host.policy.env_allow = {"APP_*"};
  auto guest = StartOrDie("abi_host", host);
  ASSERT_TRUE(guest);
  EXPECT_EQ(Call(*guest, "env:APP_NAME").data, "demo");
  EXPECT_EQ(Call(*guest, "env:TOKEN").data, "");
}

TEST(HostFunctions, WriteThenReadFile) {
  TempDir dir;
  auto guest = StartOrDie("abi_host", Granting(dir));
  ASSERT_TRUE(guest);
  std::string path = dir / "hello.txt";
  Reply written = Call(*guest, "write:" + path + "=\xF0\x9F\x91\x8B Hello World!");
  EXPECT_TRUE(written.ok) << written.data;
  EXPECT_EQ(written.data, path);
  EXPECT_EQ(Slurp(path), "\xF0\x9F\x91\x8B Hello World!");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0644 & ~mask);

  Reply read = Call(*guest, "read:" + path);
  EXPECT_TRUE(read.ok) << read.data;
  EXPECT_EQ(read.data, "\xF0\x9F\x91\x8B Hello World!");

  EXPECT_TRUE(Call(*guest, "write:" + path + "=").ok);  // truncates
  Reply empty = Call(*guest, "read:" + path);
  EXPECT_TRUE(empty.ok);
  EXPECT_EQ(empty.data, "");
}

TEST(HostFunctions, FileErrorsAreFailures) {
  TempDir dir;
  auto guest = StartOrDie("abi_host", Granting(dir));
  ASSERT_TRUE(guest);
  Reply missing = Call(*guest, "read:" + (dir / "missing.txt"));
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.data, "open " + (dir / "missing.txt") + ": no such file or directory");

  Reply directory = Call(*guest, "read:" + dir.path());
  EXPECT_FALSE(directory.ok);
  EXPECT_EQ(directory.data, "read " + dir.path() + ": is a directory");

  Reply no_dir = Call(*guest, "write:" + (dir / "no/such/dir.txt") + "=x");
  EXPECT_FALSE(no_dir.ok);
  EXPECT_EQ(no_dir.data, "open " + (dir / "no/such/dir.txt") + ": no such file or directory");
}

TEST(HostFunctions, RelativePathsUseTheWorkingDirectory) {
  TempDir dir;
  auto guest = StartOrDie("abi_host");
  ASSERT_TRUE(guest);
  auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  Reply written = Call(*guest, "write:relative.txt=here");
  std::filesystem::current_path(previous);
  EXPECT_TRUE(written.ok) << written.data;
  EXPECT_EQ(written.data, "relative.txt");
  EXPECT_EQ(Slurp(dir / "relative.txt"), "here");
}

// Refuses every write and redirects reads to one file.
class TestPolicy final : public FilePolicy {
 public:
  explicit TestPolicy(std::string target) : target_(std::move(target)) {}
  Result<int> Open(std::string_view, int flags, unsigned) const override {
    if ((flags & O_ACCMODE) != O_RDONLY) return Fail(ErrorCode::kInvalidArgument, "writing is not allowed");
    return ::open(target_.c_str(), O_RDONLY | O_CLOEXEC);
  }

 private:
  std::string target_;
};

TEST(HostFunctions, FilePolicyDecides) {
  TempDir dir;
  std::ofstream(dir / "target.txt") << "policy content";
  HostOptions host;
  host.files = std::make_shared<TestPolicy>(dir / "target.txt");
  auto guest = StartOrDie("abi_host", host);
  ASSERT_TRUE(guest);
  Reply read = Call(*guest, "read:anything");
  EXPECT_TRUE(read.ok);
  EXPECT_EQ(read.data, "policy content");
  Reply write = Call(*guest, "write:anything=x");
  EXPECT_FALSE(write.ok);
  EXPECT_EQ(write.data, "open anything: writing is not allowed");
}

TEST(HostFunctions, AllocateBufferGrowingMemoryDuringTheCall) {
  auto guest = StartOrDie("abi_host");
  ASSERT_TRUE(guest);
  Reply reply = Call(*guest, "grow:64");  // 4 MiB more, answered from the new pages
  ASSERT_TRUE(reply.ok) << reply.data;
  auto arrow = reply.data.find("->");
  auto colon = reply.data.find(':');
  ASSERT_NE(arrow, std::string::npos);
  ASSERT_NE(colon, std::string::npos);
  size_t before = std::stoul(reply.data.substr(0, arrow));
  size_t after = std::stoul(reply.data.substr(arrow + 2, colon - arrow - 2));
  EXPECT_EQ(after, before + 64);
  EXPECT_EQ(reply.data.substr(colon + 1), "Hello \xF0\x9F\x98\x80 I'm the host");
}

TEST(LegacyHostFunctions, LogIsTheBareMessage) {
  auto guest = StartOrDie("abi_legacy");
  ASSERT_TRUE(guest);
  EXPECT_EQ(CallLegacy(*guest, {"log", "legacy line"}).data, "logged");
  EXPECT_EQ(guest->output().Text(), "legacy line\n");
}

TEST(LegacyHostFunctions, GetEnvUnsetIsAnErrorString) {
  HostOptions host;
  host.env = FakeEnv({{"MESSAGE", "hello"}});
  auto guest = StartOrDie("abi_legacy", host);
  ASSERT_TRUE(guest);
  EXPECT_EQ(CallLegacy(*guest, {"env", "MESSAGE"}).data, "hello");
  Reply unset = CallLegacy(*guest, {"env", "NOPE"});
  EXPECT_FALSE(unset.ok);
  EXPECT_EQ(unset.data, "NOPE is empty");
}

TEST(LegacyHostFunctions, Files) {
  TempDir dir;
  auto guest = StartOrDie("abi_legacy", Granting(dir));
  ASSERT_TRUE(guest);
  std::string path = dir / "legacy.txt";
  EXPECT_EQ(CallLegacy(*guest, {"write", path, "legacy content"}).data, "file created");
  EXPECT_EQ(CallLegacy(*guest, {"read", path}).data, "legacy content");
  Reply missing = CallLegacy(*guest, {"read", dir / "missing"});
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.data, "open " + (dir / "missing") + ": no such file or directory");
  // An empty file is returned as (0, 0): capsulemodule's allocateBuffer(0) would trap.
  std::ofstream(dir / "empty.txt").flush();
  Reply empty = CallLegacy(*guest, {"read", dir / "empty.txt"});
  EXPECT_TRUE(empty.ok);
  EXPECT_EQ(empty.data, "empty");
}

TEST(LegacyHostFunctions, BeforeV030HostFunctionsHaveNoResult) {
  HostOptions host;
  host.env = FakeEnv({{"MESSAGE", "old"}});
  auto guest = StartOrDie("abi_legacy_v02", host);
  ASSERT_TRUE(guest);
  EXPECT_EQ(CallLegacy(*guest, {"env", "MESSAGE"}).data, "old");
  EXPECT_EQ(CallLegacy(*guest, {"log", "v0.2 line"}).data, "logged");
  EXPECT_EQ(guest->output().Text(), "v0.2 line\n");
  EXPECT_EQ(CallLegacy(*guest, {"hello", "Bob"}).data, "Hello Bob");
}

}  // namespace
}  // namespace capsule
