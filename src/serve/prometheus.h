// Writing metrics in the Prometheus text exposition format (version 0.0.4), and the sharded counters the runners
// record them in: a thread updates its own shard, so that workers on different cores never share a cache line.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace capsule::serve {

// How many shards a sharded metric has; threads are spread over them in the order they first record.
inline constexpr size_t kMetricShards = 16;

// The calling thread's shard, in [0, kMetricShards): the same for every metric.
size_t ThreadShard();

// Appends the "# HELP" and "# TYPE" lines of a metric.
void AppendMetricHeader(std::string& out, std::string_view name, std::string_view type, std::string_view help);
// Appends one sample line: `name{labels} value` (labels without braces, e.g. `code="200"`; empty: none).
void AppendSample(std::string& out, std::string_view name, std::string_view labels, double value);
// A metric with one unlabelled sample: its header and its value.
void AppendScalar(std::string& out, std::string_view name, std::string_view type, std::string_view help, double value);

// A number many threads add to, sharded by thread: a counter (uint64_t) or a gauge moved up and down (int64_t; a
// thread's shard may go negative, the total is right).
template <class T>
class Sharded {
 public:
  void Add(T delta = 1) { shards_[ThreadShard()].value.fetch_add(delta, std::memory_order_relaxed); }
  T Total() const {
    T sum = 0;
    for (const auto& s : shards_) sum += s.value.load(std::memory_order_relaxed);
    return sum;
  }

 private:
  struct alignas(64) Shard {
    std::atomic<T> value{0};
  };
  std::array<Shard, kMetricShards> shards_{};
};
using ShardedCounter = Sharded<uint64_t>;
using ShardedGauge = Sharded<int64_t>;

// A latency histogram in seconds with fixed buckets from 0.5 ms to 5 s, sharded by thread.
class LatencyHistogram {
 public:
  void Record(double seconds);
  // Appends the whole histogram (header, buckets, sum, count) under name; labels (e.g. `result="ok"`, empty: none)
  // are added to every sample.
  void Render(std::string& out, std::string_view name, std::string_view help, std::string_view labels = {}) const;
  // The same samples without the header, for a histogram rendered in several labelled parts.
  void RenderSamples(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1,    5};
  struct alignas(64) Shard {
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> counts{};
    std::atomic<uint64_t> sum_us{0};
  };
  std::array<Shard, kMetricShards> shards_{};
};

}  // namespace capsule::serve
