// End-to-end: the memory cache host functions (hostCacheSet/Get/Del/Keys, legacy hostMemorySet/Get/Keys) and
// the legacy Couchbase / host-information imports, through the `capsule` CLI.
#include <gtest/gtest.h>

#include "process.h"

namespace capsule::testing {
namespace {

RunResult Capsule(std::vector<std::string> args) {
  args.insert(args.begin(), BinaryPath("capsule"));
  return RunProcess(args);
}

RunResult Services(const std::string& params, std::vector<std::string> flags = {}) {
  flags.insert(flags.begin(), {"--wasm=" + GuestPath("host_services"), "--params=" + params});
  return Capsule(flags);
}

RunResult Legacy(std::vector<std::string> args) {
  args.insert(args.begin(), "--wasm=" + GuestPath("host_legacy_services"));
  return Capsule(args);
}

TEST(HostCacheCli, EveryFunctionAnswersInItsEncoding) {
  auto r = Services("cache-set:name=Bob");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "name\n");
  r = Services("cache-roundtrip:name=Bob");
  EXPECT_EQ(r.out, "Bob\n");
  r = Services("cache-get:missing");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "key not found\n");
  r = Services("cache-del:name");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "name\n");
  r = Services("cache-keys:*");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "{\"keys\":[]}\n");
}

TEST(HostCacheCli, EmptyValuesDoNotTrap) {
  auto r = Services("cache-roundtrip:empty=");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "\n");
}

TEST(HostCacheCli, LimitsRefuseWithAFailure) {
  auto r = Services("cache-set:key=value", {"--cache-max-bytes=4"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "cache full: more than 4 bytes\n");
  r = Services("cache-set:key=value", {"--cache-max-entries=0"});  // 0: no limit
  EXPECT_EQ(r.exit_code, 0);
}

TEST(HostCacheCli, LegacyMemoryFunctions) {
  auto r = Legacy({"memset", "k", "v"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "k\n");
  r = Legacy({"memget", "nothing"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "key not found\n");
  r = Legacy({"memkeys"});  // no keys: an empty answer, (0, 0), no allocateBuffer(0)
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "empty\n");
  r = Legacy({"memset2", "b", "a"});
  EXPECT_EQ(r.out,
            "a\xC2\xB2"
            "b\n");
}

TEST(HostCacheCli, LegacyCouchbaseIsNotSupported) {
  auto r = Legacy({"couchbase", "SELECT 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "hostCouchBaseQuery: Couchbase is not supported by Capsule C++\n");
  r = Legacy({"info"});  // empty host information: (0, 0), no allocateBuffer(0)
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "empty\n");
}

}  // namespace
}  // namespace capsule::testing
