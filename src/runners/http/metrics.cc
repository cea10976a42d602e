#include "runners/http/metrics.h"

namespace capsule::http {

void Metrics::RecordRequest(int status, double seconds) {
  auto& shard = status_[serve::ThreadShard()];
  if (status >= 0 && status < static_cast<int>(shard.by_status.size()))
    shard.by_status[status].fetch_add(1, std::memory_order_relaxed);
  latency_.Record(seconds);
}

std::string Metrics::Render() const {
  std::string out;
  serve::AppendMetricHeader(out, "capsule_http_requests_total", "counter", "Requests answered, by HTTP status code.");
  for (size_t code = 0; code < status_[0].by_status.size(); ++code) {
    uint64_t n = 0;
    for (const auto& shard : status_) n += shard.by_status[code].load(std::memory_order_relaxed);
    if (n) serve::AppendSample(out, "capsule_http_requests_total", "code=\"" + std::to_string(code) + "\"", n);
  }
  latency_.Render(out, "capsule_http_request_duration_seconds", "Time from a request's arrival to its reply.");
  serve::AppendScalar(out, "capsule_http_in_flight_requests", "gauge", "Requests being served.",
                      static_cast<double>(in_flight()));
  instances_.Render(out, "capsule_http");
  return out;
}

}  // namespace capsule::http
