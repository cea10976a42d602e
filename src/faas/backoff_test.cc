#include "faas/backoff.h"

#include <gtest/gtest.h>

namespace capsule::faas {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, DoublesUpToTheMaximum) {
  Backoff backoff(milliseconds(100), milliseconds(500), milliseconds(10000));
  EXPECT_EQ(backoff.Next(milliseconds(0)), milliseconds(100));
  EXPECT_EQ(backoff.Next(milliseconds(0)), milliseconds(200));
  EXPECT_EQ(backoff.Next(milliseconds(0)), milliseconds(400));
  EXPECT_EQ(backoff.Next(milliseconds(0)), milliseconds(500));
  EXPECT_EQ(backoff.Next(milliseconds(0)), milliseconds(500));
}

TEST(BackoffTest, StartsOverAfterALongRun) {
  Backoff backoff(milliseconds(100), milliseconds(5000), milliseconds(1000));
  EXPECT_EQ(backoff.Next(milliseconds(0)), milliseconds(100));
  EXPECT_EQ(backoff.Next(milliseconds(0)), milliseconds(200));
  EXPECT_EQ(backoff.Next(milliseconds(1000)), milliseconds(100));
  EXPECT_EQ(backoff.Next(milliseconds(10)), milliseconds(200));
}

}  // namespace
}  // namespace capsule::faas
