#include "faas/faas_token.h"

#include <gtest/gtest.h>

namespace capsule::faas {
namespace {

TEST(FaasToken, OnlyTheExactTokenMatches) {
  EXPECT_TRUE(TokenMatches("s3cret", "s3cret"));
  EXPECT_FALSE(TokenMatches("s3cret", "s3cre"));
  EXPECT_FALSE(TokenMatches("s3cret", "s3cret!"));
  EXPECT_FALSE(TokenMatches("s3cret", "s3cres"));
  EXPECT_FALSE(TokenMatches("s3cret", "s3crets3cret"));  // cycling over expected must not make a repeat match
  EXPECT_FALSE(TokenMatches("s3cret", ""));
  EXPECT_FALSE(TokenMatches("", ""));  // an empty token never opens the admin API
  EXPECT_FALSE(TokenMatches("", "x"));
}

}  // namespace
}  // namespace capsule::faas
