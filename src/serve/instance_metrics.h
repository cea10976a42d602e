// What every long-running runner counts about its module instances: traps, timeouts, live, created and recycled
// instances, reloads. Thread-safe; rendered under the runner's metric prefix ("capsule_http", "capsule_nats").
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "serve/prometheus.h"

namespace capsule::serve {

// Instance bookkeeping shared by the worker pool, the reloader and the runner's own metrics.
class InstanceMetrics {
 public:
  // A guest call that failed (trap, exit, broken ABI): its instance was discarded.
  void RecordTrap() { ++traps_; }
  // A guest call interrupted by --timeout.
  void RecordTimeout() { ++timeouts_; }
  // Live instances, and instances created since the start.
  void AddInstances(int delta) { instances_ += delta; }
  void RecordInstanceCreated() { ++instances_created_; }
  // A used instance restored to its state after start instead of being replaced (--fresh-instance).
  void RecordInstanceRecycled() { recycled_.Add(); }
  // A reload that was published (ok) or refused.
  void RecordReload(bool ok) { ++(ok ? reloads_ok_ : reloads_failed_); }

  uint64_t traps() const { return traps_.load(); }
  uint64_t timeouts() const { return timeouts_.load(); }

  // Appends these metrics, named prefix + "_traps_total" etc.
  void Render(std::string& out, std::string_view prefix) const;

 private:
  std::atomic<uint64_t> traps_{0}, timeouts_{0}, instances_created_{0}, reloads_ok_{0}, reloads_failed_{0};
  std::atomic<int64_t> instances_{0};
  ShardedCounter recycled_;
};

}  // namespace capsule::serve
