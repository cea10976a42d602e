// The worker threads of a long-running runner. Each worker owns an engine Context and one warm Guest (with
// fresh_instance: a just-started Guest per call, recycled or new, prepared ahead) and runs the runner's loop (an
// event loop, a subscription): the trigger is read, served by that worker's guest and answered without crossing
// threads. No lock is held while a guest runs.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "serve/guest.h"
#include "serve/instance_metrics.h"
#include "serve/module_store.h"

namespace capsule::serve {

// The workers and their per-thread guests.
class WorkerPool {
 public:
  // fresh_instance: every call gets a Guest in its state right after start (a used one restored by
  // Guest::Recycle, else a new one) and a new WASI context; a replaced one is dropped without OnStop.
  WorkerPool(std::shared_ptr<Engine> engine, const ModuleStore& store, GuestSettings settings, InstanceMetrics& metrics,
             bool fresh_instance);
  ~WorkerPool();

  // Starts n workers. Each creates its Context and first Guest; once all have, worker i calls loop(i) and, when it
  // returns, stops its guest (OnStop / OnExit). Errors: the first worker's failure (the module cannot be
  // instantiated or started); then loop is never called and no worker is left running.
  Status Start(size_t n, std::function<void(size_t)> loop);

  // Interrupts every guest call running now (they end as timeouts). For a stop that cannot wait any longer; any
  // thread.
  void InterruptAll();

  // Waits until every worker's loop returned and its guest stopped. Idempotent.
  void Join();

  // The calling worker's guest for the next call, replaced first when the module was reloaded or the guest is
  // unusable (and, with fresh instances, restored or replaced after its last call). Must be called on a worker
  // thread, from loop, and followed by Release with how the call ended. Errors: kInternal off a worker thread, or
  // why no guest could be started.
  Result<Guest*> Acquire();
  // Records how the call on the guest Acquire gave ended: a trap or timeout discards the guest.
  void Release(Outcome outcome);

  // Gives the calling worker its next guest now if it has none (after a trap, or with fresh instances), so that
  // the next call does not wait for it. Call it once the answer is sent. Does nothing off a worker thread.
  void Prepare();

  // The settings every guest is created with (linker, timeout, ...).
  const GuestSettings& settings() const { return settings_; }

 private:
  struct Worker;
  static thread_local Worker* current_;  // the calling thread's Worker, on worker threads
  void Run(size_t index, std::promise<Status>* ready, std::shared_future<bool> go, std::function<void(size_t)> loop);
  bool Replenish(Worker& w, Status* error);
  void Discard(Worker& w);

  std::shared_ptr<Engine> engine_;
  const ModuleStore& store_;
  GuestSettings settings_;
  InstanceMetrics& metrics_;
  bool fresh_;
  std::vector<std::thread> threads_;
  std::mutex interrupts_mu_;
  std::vector<std::shared_ptr<InterruptHandle>> interrupts_;  // each worker's current guest's, by worker index
};

}  // namespace capsule::serve
