// PolicyFlags: the shared capability flags.
#include "runners/common/policy_flags.h"

#include <gtest/gtest.h>

namespace capsule::runners {
namespace {

TEST(PolicyFlags, DefaultsAreCompatible) {
  PolicyFlags flags;
  auto policy = flags.ToPolicy();
  ASSERT_TRUE(policy.ok());
  EXPECT_TRUE(policy->dirs.empty());
  EXPECT_TRUE(policy->env_allow.empty());
  EXPECT_TRUE(policy->allow_hosts.empty());
  EXPECT_EQ(policy->http_timeout.count(), 10000);
  EXPECT_EQ(policy->cache_max_entries, 0u);
}

TEST(PolicyFlags, ParsesEveryFlag) {
  PolicyFlags values;
  FlagSet flags("test", "");
  values.Register(flags);
  std::vector<std::string> args = {"--dir",
                                   "./data:/data",
                                   "--dir=/tmp",
                                   "--env-allow",
                                   "APP_*",
                                   "--allow-host=*.example.com",
                                   "--http-timeout=500ms",
                                   "--http-max-response=1KiB",
                                   "--cache-max-entries=10",
                                   "--cache-max-bytes=1MiB"};
  ASSERT_TRUE(flags.Parse(args).ok());
  auto policy = values.ToPolicy();
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  ASSERT_EQ(policy->dirs.size(), 2u);
  EXPECT_EQ(policy->dirs[0].host, "./data");
  EXPECT_EQ(policy->dirs[0].guest, "/data");
  EXPECT_EQ(policy->dirs[1].guest, "/tmp");
  EXPECT_EQ(policy->env_allow, std::vector<std::string>{"APP_*"});
  EXPECT_EQ(policy->allow_hosts, std::vector<std::string>{"*.example.com"});
  EXPECT_EQ(policy->http_timeout.count(), 500);
  EXPECT_EQ(policy->http_max_response_bytes, 1024u);
  EXPECT_EQ(policy->cache_max_entries, 10u);
  EXPECT_EQ(policy->cache_max_bytes, 1u << 20);
}

TEST(PolicyFlags, BadValuesNameTheFlag) {
  PolicyFlags values;
  values.http_timeout = "soon";
  auto policy = values.ToPolicy();
  ASSERT_FALSE(policy.ok());
  EXPECT_NE(policy.error().message.find("--http-timeout"), std::string::npos);
}

}  // namespace
}  // namespace capsule::runners
