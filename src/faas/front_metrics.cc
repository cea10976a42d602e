#include "faas/front_metrics.h"

namespace capsule::faas {
namespace {

// Function and revision names are [A-Za-z0-9._-] (IsFunctionName): no label escaping needed.
std::string Labels(const ReplicaKey& key) {
  return "function=\"" + key.function + "\",revision=\"" + key.revision + "\"";
}

}  // namespace

void FrontMetrics::RecordCall(const ReplicaKey& key, unsigned status, double seconds) {
  std::lock_guard lock(mutex_);
  auto& revision = revisions_[key];
  if (!revision) revision = std::make_unique<Revision>();
  ++revision->by_status[status];
  revision->latency.Record(seconds);
}

std::string FrontMetrics::Render(const std::vector<ReplicaInfo>& replicas) const {
  std::string out;
  std::lock_guard lock(mutex_);
  serve::AppendMetricHeader(out, "capsule_faas_requests_total", "counter",
                            "Calls of a function revision through the front, by status code.");
  for (const auto& [key, revision] : revisions_)
    for (const auto& [status, count] : revision->by_status)
      serve::AppendSample(out, "capsule_faas_requests_total", Labels(key) + ",code=\"" + std::to_string(status) + "\"",
                          static_cast<double>(count));
  serve::AppendMetricHeader(out, "capsule_faas_request_duration_seconds", "histogram",
                            "Time from a call's arrival at the front to its reply, by function revision.");
  for (const auto& [key, revision] : revisions_)
    revision->latency.RenderSamples(out, "capsule_faas_request_duration_seconds", Labels(key));

  std::map<ReplicaKey, std::map<std::string, int>> states;
  std::map<ReplicaKey, int> restarts;
  for (const ReplicaInfo& r : replicas) {
    ++states[r.key][ReplicaStateName(r.state)];
    restarts[r.key] += r.restarts;
  }
  serve::AppendMetricHeader(out, "capsule_faas_replicas", "gauge", "Replicas of a function revision, by state.");
  for (const auto& [key, by_state] : states)
    for (const char* state : {"starting", "up", "restarting", "failed"}) {
      auto it = by_state.find(state);
      serve::AppendSample(out, "capsule_faas_replicas", Labels(key) + ",state=\"" + state + "\"",
                          it == by_state.end() ? 0 : it->second);
    }
  serve::AppendMetricHeader(out, "capsule_faas_restarts_total", "counter",
                            "Restarts of a function revision's replicas (a child that died or failed its checks).");
  for (const auto& [key, count] : restarts) serve::AppendSample(out, "capsule_faas_restarts_total", Labels(key), count);
  return out;
}

}  // namespace capsule::faas
