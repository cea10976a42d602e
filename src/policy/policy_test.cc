// Policy's allow-lists.
#include "capsule/policy.h"

#include <gtest/gtest.h>

namespace capsule {
namespace {

TEST(Policy, EverythingAllowedByDefault) {
  Policy policy;
  EXPECT_TRUE(policy.EnvAllowed("HOME"));
  EXPECT_TRUE(policy.HostAllowed("example.com", 443));
}

TEST(Policy, EnvAllowListIsGlobs) {
  Policy policy;
  policy.env_allow = {"MESSAGE", "APP_*"};
  EXPECT_TRUE(policy.EnvAllowed("MESSAGE"));
  EXPECT_TRUE(policy.EnvAllowed("APP_NAME"));
  EXPECT_FALSE(policy.EnvAllowed("HOME"));
  EXPECT_FALSE(policy.EnvAllowed("MESSAGES"));
}

TEST(Policy, HostAllowListMatchesHostOrHostAndPort) {
  Policy policy;
  policy.allow_hosts = {"*.example.com", "127.0.0.1:8080"};
  EXPECT_TRUE(policy.HostAllowed("api.example.com", 443));
  EXPECT_FALSE(policy.HostAllowed("example.org", 443));
  EXPECT_TRUE(policy.HostAllowed("127.0.0.1", 8080));
  EXPECT_FALSE(policy.HostAllowed("127.0.0.1", 8081));
}

}  // namespace
}  // namespace capsule
