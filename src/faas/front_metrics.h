// The FaaS front's Prometheus metrics (GET /capsule/metrics): calls per function revision by status code and their
// latency, and, from the supervisor, replicas by state and restarts.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "faas/replica.h"
#include "serve/prometheus.h"

namespace capsule::faas {

// Call counts and latencies, by function revision. Thread-safe.
class FrontMetrics {
 public:
  // One call of key answered with status after seconds (the proxy's reply, or the front's 503/504/502).
  void RecordCall(const ReplicaKey& key, unsigned status, double seconds);
  // Every metric in the Prometheus text format; replicas: the supervisor's snapshot.
  std::string Render(const std::vector<ReplicaInfo>& replicas) const;

 private:
  struct Revision {
    std::map<unsigned, uint64_t> by_status;
    serve::LatencyHistogram latency;
  };
  mutable std::mutex mutex_;
  std::map<ReplicaKey, std::unique_ptr<Revision>> revisions_;
};

}  // namespace capsule::faas
