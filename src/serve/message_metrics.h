// Host-side metrics of the message runners (capsule-nats, capsule-mqtt) in the Prometheus text format: messages by
// result, handling latency, redeliveries, dead letters, the broker connection, in flight, and the instance metrics.
// Thread-safe, lock-free counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "serve/instance_metrics.h"
#include "serve/prometheus.h"

namespace capsule::serve {

// How the handling of one message ended.
enum class MessageResult : uint8_t {
  kOk,        // the handler answered S (or a legacy handler returned)
  kFailed,    // the handler answered F
  kTrapped,   // the guest trapped, exited or broke the ABI
  kTimeout,   // interrupted by --timeout
  kRejected,  // not handed to the module: over --max-payload, or no instance could be started
};
inline constexpr size_t kMessageResults = 5;

// "ok", "failed", "trapped", "timeout", "rejected": the label of the metric.
const char* MessageResultName(MessageResult result);

// The counters a message runner updates; Render() is what --metrics-port serves at /metrics.
class MessageMetrics {
 public:
  // prefix: "capsule_nats", "capsule_mqtt".
  explicit MessageMetrics(std::string prefix) : prefix_(std::move(prefix)) {}

  // One handled message: how it ended and how long its handling took.
  void RecordMessage(MessageResult result, double seconds);
  // Messages being handled now.
  void AddInFlight(int delta) { in_flight_.Add(delta); }
  int64_t in_flight() const { return in_flight_.Total(); }
  // A message delivered again (JetStream: after a nak or an expired ack wait).
  void RecordRedelivery() { redeliveries_.Add(); }
  // A message given up on after its last delivery and sent to the dead-letter subject.
  void RecordDeadLetter() { ++dead_letters_; }
  // The broker connection was lost, or came back.
  void RecordDisconnect() {
    ++disconnects_;
    connected_ = false;
  }
  void RecordReconnect() {
    ++reconnects_;
    connected_ = true;
  }
  void SetConnected(bool connected) { connected_ = connected; }
  bool connected() const { return connected_; }
  uint64_t messages(MessageResult result) const;
  uint64_t reconnects() const { return reconnects_; }
  // The instance counters the worker pool and the reloader update.
  InstanceMetrics& instances() { return instances_; }

  // The Prometheus text exposition (version 0.0.4) of every metric.
  std::string Render() const;

 private:
  std::string prefix_;
  std::array<ShardedCounter, kMessageResults> by_result_;
  std::array<LatencyHistogram, kMessageResults> latency_;
  ShardedGauge in_flight_;
  ShardedCounter redeliveries_;
  std::atomic<uint64_t> dead_letters_{0}, disconnects_{0}, reconnects_{0};
  std::atomic<bool> connected_{false};
  InstanceMetrics instances_;
};

}  // namespace capsule::serve
