// End-to-end: hostRedisSet/Get/Del/Keys through the `capsule` CLI against a real redis-server started on a free
// port; a stopped server gives quick failures.
#include <gtest/gtest.h>

#include <chrono>

#include "process.h"
#include "redis_server.h"

namespace capsule::testing {
namespace {

class HostRedisCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(HaveRedisServer()) << "redis-server is missing: run scripts/setup.sh";
    ASSERT_TRUE(redis_.Start());
  }
  RunResult Call(const std::string& params, std::vector<std::string> env = {}) {
    if (env.empty()) env = {"REDIS_URI=" + redis_.uri()};
    RunOptions options;
    options.env = std::move(env);
    return RunProcess({BinaryPath("capsule"), "--wasm=" + GuestPath("host_services"), "--params=" + params}, options);
  }
  RunResult Legacy(std::vector<std::string> args) {
    args.insert(args.begin(), {BinaryPath("capsule"), "--wasm=" + GuestPath("host_legacy_services")});
    RunOptions options;
    options.env = {"REDIS_URI=" + redis_.uri()};
    return RunProcess(args, options);
  }
  RedisServer redis_;
};

TEST_F(HostRedisCli, SetGetDelKeys) {
  auto r = Call("redis-set:greeting=hello world");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "greeting\n");
  EXPECT_EQ(Call("redis-get:greeting").out, "hello world\n");
  EXPECT_EQ(Call("redis-set:other=1").out, "other\n");
  EXPECT_EQ(Call("redis-keys:gree*").out, "{\"keys\":[\"greeting\"]}\n");
  EXPECT_EQ(Call("redis-del:greeting").out, "greeting\n");
  r = Call("redis-get:greeting");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "redis: nil\n");
  EXPECT_EQ(Call("redis-keys:nothing*").out, "{\"keys\":[]}\n");
}

TEST_F(HostRedisCli, EmptyValueDoesNotTrap) {
  EXPECT_EQ(Call("redis-set:empty=").exit_code, 0);
  auto r = Call("redis-get:empty");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "\n");
}

TEST_F(HostRedisCli, AddressVariablesAsCapsule) {
  std::vector<std::string> env = {"REDIS_ADDR=127.0.0.1:" + std::to_string(redis_.port()), "REDIS_DEFAULTDB=3"};
  EXPECT_EQ(Call("redis-set:in3=three", env).out, "in3\n");
  EXPECT_EQ(Call("redis-get:in3", env).out, "three\n");
  auto r = Call("redis-get:in3");  // database 0 has no such key
  EXPECT_EQ(r.out, "redis: nil\n");
}

TEST_F(HostRedisCli, DeadServerGivesQuickFailures) {
  redis_.Stop();
  auto start = std::chrono::steady_clock::now();
  auto r = Call("redis-get:anything");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("redis: cannot connect to 127.0.0.1:"), std::string::npos) << r.out << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  r = Call("redis-get:x", {"REDIS_URI=http://nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("REDIS_URI must start with redis://"), std::string::npos) << r.out;
}

TEST_F(HostRedisCli, LegacyNames) {
  auto r = Legacy({"redisset", "lk", "lv"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "lk\n");
  EXPECT_EQ(Legacy({"redisget", "lk"}).out, "lv\n");
  EXPECT_EQ(Legacy({"rediskeys", "l*"}).out, "lk\n");
  r = Legacy({"redisget", "none"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "redis: nil\n");
}

}  // namespace
}  // namespace capsule::testing
