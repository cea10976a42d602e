#include "runners/http/metrics.h"

#include <cstdio>

namespace capsule::http {

Metrics::Shard& Metrics::Mine() {
  // One index per thread for the process: with several Metrics (tests), a thread uses the same shard in each.
  static std::atomic<size_t> threads{0};
  thread_local const size_t index = threads.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shards_[index];
}

void Metrics::RecordRequest(int status, double seconds) {
  Shard& shard = Mine();
  if (status >= 0 && status < static_cast<int>(shard.by_status.size()))
    shard.by_status[status].fetch_add(1, std::memory_order_relaxed);
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  shard.latency[i].fetch_add(1, std::memory_order_relaxed);
  shard.latency_sum_us.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

int64_t Metrics::in_flight() const {
  int64_t sum = 0;
  for (const Shard& shard : shards_) sum += shard.in_flight.load(std::memory_order_relaxed);
  return sum;
}

std::string Metrics::Render() const {
  std::string out;
  char line[512];
  out += "# HELP capsule_http_requests_total Requests answered, by HTTP status code.\n";
  out += "# TYPE capsule_http_requests_total counter\n";
  auto sum = [&](auto member) {
    uint64_t total = 0;
    for (const Shard& shard : shards_) total += member(shard).load(std::memory_order_relaxed);
    return total;
  };
  for (size_t s = 0; s < shards_[0].by_status.size(); ++s)
    if (uint64_t n = sum([s](const Shard& shard) -> const std::atomic<uint64_t>& { return shard.by_status[s]; })) {
      std::snprintf(line, sizeof line, "capsule_http_requests_total{code=\"%zu\"} %llu\n", s,
                    static_cast<unsigned long long>(n));
      out += line;
    }
  out += "# HELP capsule_http_request_duration_seconds Time from a request's arrival to its reply.\n";
  out += "# TYPE capsule_http_request_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= kBuckets.size(); ++i) {
    cumulative += sum([i](const Shard& shard) -> const std::atomic<uint64_t>& { return shard.latency[i]; });
    if (i < kBuckets.size())
      std::snprintf(line, sizeof line, "capsule_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", kBuckets[i],
                    static_cast<unsigned long long>(cumulative));
    else
      std::snprintf(line, sizeof line, "capsule_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                    static_cast<unsigned long long>(cumulative));
    out += line;
  }
  std::snprintf(line, sizeof line, "capsule_http_request_duration_seconds_sum %.6f\n",
                static_cast<double>(
                    sum([](const Shard& shard) -> const std::atomic<uint64_t>& { return shard.latency_sum_us; })) /
                    1e6);
  out += line;
  std::snprintf(line, sizeof line, "capsule_http_request_duration_seconds_count %llu\n",
                static_cast<unsigned long long>(cumulative));
  out += line;
  auto scalar = [&](const char* name, const char* type, const char* help, long long value) {
    std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n%s %lld\n", name, help, name, type, name, value);
    out += line;
  };
  scalar("capsule_http_in_flight_requests", "gauge", "Requests being served.", in_flight());
  scalar("capsule_http_traps_total", "counter", "Guest calls that trapped.", static_cast<long long>(traps_.load()));
  scalar("capsule_http_timeouts_total", "counter", "Guest calls interrupted by --timeout.",
         static_cast<long long>(timeouts_.load()));
  scalar("capsule_http_instances", "gauge", "Live module instances.", instances_.load());
  scalar("capsule_http_instances_created_total", "counter", "Module instances created.",
         static_cast<long long>(instances_created_.load()));
  scalar("capsule_http_instances_recycled_total", "counter",
         "Used instances restored to their state after start instead of replaced (--fresh-instance).",
         static_cast<long long>(
             sum([](const Shard& shard) -> const std::atomic<uint64_t>& { return shard.instances_recycled; })));
  out += "# HELP capsule_http_reloads_total Module reloads, by result.\n# TYPE capsule_http_reloads_total counter\n";
  std::snprintf(line, sizeof line, "capsule_http_reloads_total{result=\"ok\"} %llu\n",
                static_cast<unsigned long long>(reloads_ok_.load()));
  out += line;
  std::snprintf(line, sizeof line, "capsule_http_reloads_total{result=\"failed\"} %llu\n",
                static_cast<unsigned long long>(reloads_failed_.load()));
  out += line;
  return out;
}

}  // namespace capsule::http
