#include "runners/http/metrics.h"

#include <cstdio>

namespace capsule::http {

void Metrics::RecordRequest(int status, double seconds) {
  if (status >= 0 && status < static_cast<int>(by_status_.size())) ++by_status_[status];
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  ++latency_[i];
  latency_sum_us_ += static_cast<uint64_t>(seconds * 1e6);
}

std::string Metrics::Render() const {
  std::string out;
  char line[512];
  out += "# HELP capsule_http_requests_total Requests answered, by HTTP status code.\n";
  out += "# TYPE capsule_http_requests_total counter\n";
  for (size_t s = 0; s < by_status_.size(); ++s)
    if (uint64_t n = by_status_[s].load()) {
      std::snprintf(line, sizeof line, "capsule_http_requests_total{code=\"%zu\"} %llu\n", s,
                    static_cast<unsigned long long>(n));
      out += line;
    }
  out += "# HELP capsule_http_request_duration_seconds Time from a request's arrival to its reply.\n";
  out += "# TYPE capsule_http_request_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= kBuckets.size(); ++i) {
    cumulative += latency_[i].load();
    if (i < kBuckets.size())
      std::snprintf(line, sizeof line, "capsule_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", kBuckets[i],
                    static_cast<unsigned long long>(cumulative));
    else
      std::snprintf(line, sizeof line, "capsule_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                    static_cast<unsigned long long>(cumulative));
    out += line;
  }
  std::snprintf(line, sizeof line, "capsule_http_request_duration_seconds_sum %.6f\n",
                static_cast<double>(latency_sum_us_.load()) / 1e6);
  out += line;
  std::snprintf(line, sizeof line, "capsule_http_request_duration_seconds_count %llu\n",
                static_cast<unsigned long long>(cumulative));
  out += line;
  auto scalar = [&](const char* name, const char* type, const char* help, long long value) {
    std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n%s %lld\n", name, help, name, type, name, value);
    out += line;
  };
  scalar("capsule_http_in_flight_requests", "gauge", "Requests being served.", in_flight_.load());
  scalar("capsule_http_traps_total", "counter", "Guest calls that trapped.", static_cast<long long>(traps_.load()));
  scalar("capsule_http_timeouts_total", "counter", "Guest calls interrupted by --timeout.",
         static_cast<long long>(timeouts_.load()));
  scalar("capsule_http_instances", "gauge", "Live module instances.", instances_.load());
  scalar("capsule_http_instances_created_total", "counter", "Module instances created.",
         static_cast<long long>(instances_created_.load()));
  scalar("capsule_http_instances_recycled_total", "counter",
         "Used instances restored to their state after start instead of replaced (--fresh-instance).",
         static_cast<long long>(instances_recycled_.load()));
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
