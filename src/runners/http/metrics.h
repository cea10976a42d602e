// Host-side metrics of capsule-http, rendered in the Prometheus text format. Thread-safe, lock-free counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace capsule::http {

// Counters and gauges every part of the server updates; Render() is what /capsule/metrics serves. The per-request
// ones are sharded by thread, so that workers on different cores do not contend for one cache line.
class Metrics {
 public:
  // One answered request: its status code and how long it took from the end of its reading to its reply.
  void RecordRequest(int status, double seconds);
  // Requests read and not yet answered (running, or their reply still being written).
  void AddInFlight(int delta) { Mine().in_flight.fetch_add(delta, std::memory_order_relaxed); }
  int64_t in_flight() const;
  // A guest call that failed (trap, exit, broken ABI): its instance was discarded.
  void RecordTrap() { ++traps_; }
  // A guest call interrupted by --timeout.
  void RecordTimeout() { ++timeouts_; }
  // Live instances, and instances created since the start.
  void AddInstances(int delta) { instances_ += delta; }
  void RecordInstanceCreated() { ++instances_created_; }
  // A used instance restored to its state after start instead of being replaced (--fresh-instance).
  void RecordInstanceRecycled() { Mine().instances_recycled.fetch_add(1, std::memory_order_relaxed); }
  // A reload that was published (ok) or refused.
  void RecordReload(bool ok) { ++(ok ? reloads_ok_ : reloads_failed_); }

  // The Prometheus text exposition (version 0.0.4) of every metric.
  std::string Render() const;

 private:
  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1,    5};
  static constexpr size_t kShards = 16;
  // The counters one thread updates per request, on cache lines of their own.
  struct alignas(64) Shard {
    std::array<std::atomic<uint64_t>, 600> by_status{};
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> latency{};
    std::atomic<uint64_t> latency_sum_us{0};
    std::atomic<int64_t> in_flight{0};
    std::atomic<uint64_t> instances_recycled{0};
  };
  // The calling thread's shard (threads are spread over the shards in the order they first record).
  Shard& Mine();

  std::array<Shard, kShards> shards_{};
  std::atomic<size_t> next_shard_{0};
  std::atomic<uint64_t> traps_{0}, timeouts_{0}, instances_created_{0}, reloads_ok_{0}, reloads_failed_{0};
  std::atomic<int64_t> instances_{0};
};

}  // namespace capsule::http
