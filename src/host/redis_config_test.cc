// RedisConfigFromEnv: Capsule's variables.
#include <map>

#include <gtest/gtest.h>

#include "capsule/host.h"

namespace capsule {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(RedisConfig, Defaults) {
  auto c = RedisConfigFromEnv(Env({}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "localhost");
  EXPECT_EQ(c->port, 6379);
  EXPECT_EQ(c->db, 0);
  EXPECT_EQ(c->password, "");
}

TEST(RedisConfig, UriWins) {
  auto c = RedisConfigFromEnv(Env({{"REDIS_URI", "redis://user:pw@10.0.0.1:6380/2"}, {"REDIS_ADDR", "other:1"}}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->host, "10.0.0.1");
  EXPECT_EQ(c->port, 6380);
  EXPECT_EQ(c->password, "pw");
  EXPECT_EQ(c->db, 2);
  c = RedisConfigFromEnv(Env({{"REDIS_URI", "redis://[::1]:7000"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 7000);
}

TEST(RedisConfig, AddrPasswordDb) {
  auto c = RedisConfigFromEnv(Env({{"REDIS_ADDR", "cache:6390"}, {"REDIS_PWD", "secret"}, {"REDIS_DEFAULTDB", "5"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "cache");
  EXPECT_EQ(c->port, 6390);
  EXPECT_EQ(c->password, "secret");
  EXPECT_EQ(c->db, 5);
}

TEST(RedisConfig, MalformedValuesAreErrors) {
  EXPECT_FALSE(RedisConfigFromEnv(Env({{"REDIS_URI", "http://x"}})).ok());
  EXPECT_FALSE(RedisConfigFromEnv(Env({{"REDIS_ADDR", "host:port"}})).ok());
  EXPECT_FALSE(RedisConfigFromEnv(Env({{"REDIS_DEFAULTDB", "one"}})).ok());
}

}  // namespace
}  // namespace capsule
