// The worker threads of capsule-http. Each worker owns an engine Context and one warm Guest (with fresh_instance:
// a just-started Guest per request, recycled or new, prepared ahead) and runs its own event loop (given by the
// server): a request is read, served by that worker's guest and answered without crossing threads. No lock is held
// while a guest runs.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "runners/http/guest.h"
#include "runners/http/metrics.h"
#include "runners/http/module_store.h"

namespace capsule::http {

// The workers and their per-thread guests.
class WorkerPool {
 public:
  // fresh_instance: every request gets a Guest in its state right after start (a used one restored by
  // Guest::Recycle, else a new one) and a new WASI context; a replaced one is dropped without OnStop.
  WorkerPool(std::shared_ptr<Engine> engine, const ModuleStore& store, GuestSettings settings, Metrics& metrics,
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

  // Serves one request with the calling worker's guest (replacing it first when the module was reloaded or the
  // guest is unusable). Must be called on a worker thread, from loop. Never fails: errors become 5xx replies.
  HttpReply Serve(Route route, const HttpRequest& request);

  // Gives the calling worker its next guest now if it has none (after a trap, or with fresh instances), so that
  // the next request does not wait for it. Call it once the reply is sent. Does nothing off a worker thread.
  void Prepare();

 private:
  struct Worker;
  static thread_local Worker* current_;  // the calling thread's Worker, on worker threads
  void Run(size_t index, std::promise<Status>* ready, std::shared_future<bool> go, std::function<void(size_t)> loop);
  bool Replenish(Worker& w, Status* error);
  void Discard(Worker& w);

  std::shared_ptr<Engine> engine_;
  const ModuleStore& store_;
  GuestSettings settings_;
  Metrics& metrics_;
  bool fresh_;
  std::vector<std::thread> threads_;
  std::mutex interrupts_mu_;
  std::vector<std::shared_ptr<InterruptHandle>> interrupts_;  // each worker's current guest's, by worker index
};

}  // namespace capsule::http
