// Host-side metrics of capsule-http, rendered in the Prometheus text format. Thread-safe, lock-free counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "serve/instance_metrics.h"
#include "serve/prometheus.h"

namespace capsule::http {

// Counters and gauges every part of the server updates; Render() is what /capsule/metrics serves. The per-request
// ones are sharded by thread, so that workers on different cores do not contend for one cache line.
class Metrics {
 public:
  // One answered request: its status code and how long it took from the end of its reading to its reply.
  void RecordRequest(int status, double seconds);
  // Requests read and not yet answered (running, or their reply still being written).
  void AddInFlight(int delta) { in_flight_.Add(delta); }
  int64_t in_flight() const { return in_flight_.Total(); }
  // The instance counters (traps, timeouts, instances, reloads) the worker pool and the reloader update.
  serve::InstanceMetrics& instances() { return instances_; }

  // The Prometheus text exposition (version 0.0.4) of every metric.
  std::string Render() const;

 private:
  struct alignas(64) StatusShard {
    std::array<std::atomic<uint64_t>, 600> by_status{};
  };
  std::array<StatusShard, serve::kMetricShards> status_{};
  serve::LatencyHistogram latency_;
  serve::ShardedGauge in_flight_;
  serve::InstanceMetrics instances_;
};

}  // namespace capsule::http
