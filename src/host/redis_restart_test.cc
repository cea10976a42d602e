// In-process: the Redis host functions under load from several worker threads (one guest each) while the real
// redis-server is killed and restarted: failures only while it is down, full recovery after, no hang or crash.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "abi/guest_harness.h"
#include "capsule/abi.h"
#include "redis_server.h"

namespace capsule {
namespace {

using namespace std::chrono_literals;
using testing::Guest;

HostOptions RedisAt(int port) {
  HostOptions host;
  RedisConfig redis;
  redis.host = "127.0.0.1";
  redis.port = port;
  host.redis = redis;
  return host;
}

// Sets then gets a key on the guest; true when both answered as expected.
bool RoundTrip(Guest& guest, const std::string& key) {
  auto set = CallHandle(guest.instance(), "redis-set:" + key + "=v-" + key);
  if (!set.ok() || !set->ok) return false;
  auto get = CallHandle(guest.instance(), "redis-get:" + key);
  return get.ok() && get->ok && get->data == "v-" + key;
}

TEST(RedisRestart, ErrorsOnlyWhileDownThenRecovery) {
  ASSERT_TRUE(capsule::testing::HaveRedisServer()) << "redis-server is missing: run scripts/setup.sh";
  capsule::testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());

  enum Phase { kUp, kDown, kBack };
  std::atomic<int> phase{kUp};
  std::atomic<bool> stop{false};
  std::atomic<int> failures_up{0}, failures_back{0}, successes_back{0}, calls_down{0};
  std::atomic<int64_t> slowest_ms{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([&, w] {
      auto guest = Guest::Start("host_services", RedisAt(redis.port()));
      if (!guest.ok()) {
        failures_up++;
        return;
      }
      for (int i = 0; !stop; ++i) {
        int before = phase;
        auto start = std::chrono::steady_clock::now();
        bool ok = RoundTrip(**guest, "w" + std::to_string(w) + "-" + std::to_string(i));
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        int64_t seen = slowest_ms;
        while (ms.count() > seen && !slowest_ms.compare_exchange_weak(seen, ms.count())) {
        }
        int after = phase;
        if (before != after) continue;  // straddled a restart: either answer is fine
        if (before == kUp && !ok) failures_up++;
        if (before == kDown) calls_down++;
        if (before == kBack) (ok ? successes_back : failures_back)++;
      }
    });
  }
  std::this_thread::sleep_for(300ms);
  phase = kDown;
  redis.Stop();
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(redis.Start());
  std::this_thread::sleep_for(100ms);  // connections that saw the old server recover on their next call
  phase = kBack;
  std::this_thread::sleep_for(500ms);
  stop = true;
  for (auto& t : workers) t.join();

  EXPECT_EQ(failures_up, 0);
  EXPECT_GT(calls_down, 0);
  EXPECT_EQ(failures_back, 0);
  EXPECT_GT(successes_back, 0);
  EXPECT_LT(slowest_ms, 3000);
}

}  // namespace
}  // namespace capsule
