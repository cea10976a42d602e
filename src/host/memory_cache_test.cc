// The process-wide memory cache: limits and thread safety.
#include "host/memory_cache.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace capsule::host {
namespace {

TEST(MemoryCache, SetGetDelKeys) {
  MemoryCache cache;
  ASSERT_TRUE(cache.Set("b", "2", 0, 0).ok());
  ASSERT_TRUE(cache.Set("a", "1", 0, 0).ok());
  ASSERT_TRUE(cache.Set("empty", "", 0, 0).ok());
  EXPECT_EQ(cache.Get("a"), "1");
  EXPECT_EQ(cache.Get("empty"), "");
  EXPECT_FALSE(cache.Get("missing"));
  EXPECT_EQ(cache.Keys("*"), (std::vector<std::string>{"a", "b", "empty"}));
  EXPECT_EQ(cache.Keys("e*"), (std::vector<std::string>{"empty"}));
  cache.Del("a");
  cache.Del("not there");
  EXPECT_FALSE(cache.Get("a"));
}

TEST(MemoryCache, LimitsLeaveTheCacheUnchanged) {
  MemoryCache cache;
  ASSERT_TRUE(cache.Set("k1", "v", 2, 10).ok());
  ASSERT_TRUE(cache.Set("k2", "v", 2, 10).ok());
  auto third = cache.Set("k3", "v", 2, 10);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().message, "cache full: more than 2 entries");
  EXPECT_TRUE(cache.Set("k1", "vvvv", 2, 10).ok());  // replacing: 6 + 3 bytes
  auto big = cache.Set("k1", "vvvvvv", 2, 10);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "cache full: more than 10 bytes");
  EXPECT_EQ(cache.Get("k1"), "vvvv");
  cache.Del("k1");
  EXPECT_TRUE(cache.Set("k3", "v", 2, 10).ok());
}

TEST(MemoryCache, SafeAcrossThreads) {
  MemoryCache cache;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string key = std::to_string(t) + "-" + std::to_string(i % 50);
        (void)cache.Set(key, "value", 0, 0);
        (void)cache.Get(key);
        if (i % 3 == 0) cache.Del(key);
        (void)cache.Keys("*");
      }
    });
  for (auto& t : threads) t.join();
  for (const auto& key : cache.Keys("*")) EXPECT_EQ(cache.Get(key), "value");
}

}  // namespace
}  // namespace capsule::host
