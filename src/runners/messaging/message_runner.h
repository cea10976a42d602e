// What capsule-nats and capsule-mqtt share around their broker: the flags, loading and compiling the module, the
// worker pool, hot reload, the metrics endpoint, signals and the graceful drain. A runner supplies its broker side
// as a MessageSource.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "capsule/host.h"
#include "runners/common/engine_flag.h"
#include "runners/common/flags.h"
#include "runners/common/module_source_flags.h"
#include "runners/common/policy_flags.h"
#include "runners/common/serving_flags.h"
#include "serve/message_dispatch.h"
#include "serve/message_metrics.h"
#include "serve/worker_pool.h"

namespace capsule::runners {

// The broker side of a message runner: its connection, its subscriptions and the loop each worker runs.
class MessageSource {
 public:
  virtual ~MessageSource() = default;
  // The connection the module's host functions publish through (HostOptions::broker).
  virtual std::shared_ptr<MessageBroker> broker() = 0;
  // Subscribes for `workers` workers, before any loop runs. Errors name what the broker refused.
  virtual Status Subscribe(size_t workers) = 0;
  // Worker `index`'s loop, on a pool worker thread: takes messages, hands each to serve::HandleMessage, replies or
  // acks, until Stop() and the handling of what it had already taken. Never throws.
  virtual void Serve(size_t index, serve::WorkerPool& pool, const serve::MessageLimits& limits) = 0;
  // Begins the drain: no new message is taken; the loops return once their messages are handled. Any thread.
  virtual void Stop() = 0;
  // Ends the drain now (its time ran out): the loops return after their current message. Any thread.
  virtual void Abort() = 0;
  // What /health reports about the broker connection.
  virtual bool connected() const = 0;
  // Flushes what was published and closes the connection; after the loops returned.
  virtual void Close() = 0;
};

// A message runner's configuration: the shared flags (bound by RegisterMessageRunnerFlags) and its broker hooks.
struct MessageRunnerConfig {
  std::string program;   // "capsule-nats", for messages and metric names
  std::string protocol;  // "nats" or "mqtt"
  bool http = false;     // the module serves HTTP request envelopes (its HTTP entries), not messages
  ModuleSourceFlags module;
  EngineFlag engine;
  PolicyFlags policy;
  ServingFlags serving;
  std::string max_payload = "8MiB";
  std::string metrics_port;  // empty: no metrics endpoint
  std::string metrics_host = "0.0.0.0";
  // Connects to the broker once the module compiled; records connection events in metrics.
  std::function<Result<std::unique_ptr<MessageSource>>(serve::MessageMetrics& metrics)> connect;
  // The line printed once every worker serves ("capsule-nats: subscribed to S on nats://...").
  std::function<std::string()> started_line;
};

// Adds the shared flags to flags, bound to config's fields.
void RegisterMessageRunnerFlags(FlagSet& flags, MessageRunnerConfig& config);

// Loads and compiles the module, connects, starts the workers, serves until SIGINT or SIGTERM, drains (at most
// --drain-timeout), stops the instances (OnStop / OnExit). Returns the exit code: 0 after a stop, 1 when the module
// or the broker could not be used, 2 for a bad flag; every error is printed as "<program>: error: ...".
int RunMessageRunner(MessageRunnerConfig& config);

// Prints "<program>: error: <message>" on stderr.
void PrintRunnerError(const std::string& program, const std::string& message);

}  // namespace capsule::runners
