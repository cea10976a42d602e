#include "faas/replica.h"

#include <gtest/gtest.h>

namespace capsule::faas {
namespace {

TEST(ReplicaTest, ParsesCapsuleHttpsListeningLine) {
  EXPECT_EQ(ParseListeningPort("capsule-http: listening on http://127.0.0.1:41234 (2 workers)"), 41234);
  EXPECT_EQ(ParseListeningPort("capsule-http: listening on https://127.0.0.1:8443 (1 workers)"), 8443);
  EXPECT_EQ(ParseListeningPort("capsule-http: listening on http://[::1]:80"), 80);
  EXPECT_EQ(ParseListeningPort("capsule-http: stopping (signal)"), 0);
  EXPECT_EQ(ParseListeningPort("capsule-http: listening on http://127.0.0.1: (1 workers)"), 0);
  EXPECT_EQ(ParseListeningPort("capsule-http: listening on http://127.0.0.1:99999999 (1 workers)"), 0);
  EXPECT_EQ(ParseListeningPort("hello capsule-http: listening on http://127.0.0.1:80"), 0);
}

TEST(ReplicaTest, KeysOrderAndPrint) {
  ReplicaKey a{"hello", "1"}, b{"hello", "2"};
  EXPECT_LT(a, b);
  EXPECT_EQ(a.ToString(), "hello/1");
  EXPECT_STREQ(ReplicaStateName(ReplicaState::kUp), "up");
}

}  // namespace
}  // namespace capsule::faas
