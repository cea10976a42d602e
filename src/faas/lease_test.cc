#include "faas/lease.h"

#include <gtest/gtest.h>

#include <utility>

namespace capsule::faas {
namespace {

TEST(LeaseTest, CountsUntilReleasedOnce) {
  auto in_flight = std::make_shared<std::atomic<int>>(0);
  {
    Lease lease(8080, 1, in_flight);
    EXPECT_EQ(lease.port(), 8080);
    EXPECT_EQ(lease.index(), 1);
    EXPECT_EQ(in_flight->load(), 1);
    Lease moved = std::move(lease);
    EXPECT_EQ(in_flight->load(), 1);
    moved.Release();
    moved.Release();
    EXPECT_EQ(in_flight->load(), 0);
    Lease again(8080, 1, in_flight);
    EXPECT_EQ(in_flight->load(), 1);
  }
  EXPECT_EQ(in_flight->load(), 0);
}

TEST(LeaseTest, AssigningReleasesTheOldOne) {
  auto a = std::make_shared<std::atomic<int>>(0), b = std::make_shared<std::atomic<int>>(0);
  Lease lease(1, 0, a);
  lease = Lease(2, 1, b);
  EXPECT_EQ(a->load(), 0);
  EXPECT_EQ(b->load(), 1);
  EXPECT_EQ(lease.port(), 2);
}

}  // namespace
}  // namespace capsule::faas
