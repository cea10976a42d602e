// Worker threads that run guests. Each worker creates its own engine Context on its thread, keeps one warm Guest
// (or, with fresh_instance, a new Guest per request, prepared ahead while idle), and takes jobs from one queue.
// No lock is held while a guest runs.
#pragma once

#include <condition_variable>
#include <deque>
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

// One request for a worker. done is called on the worker thread with the reply; it must not block.
struct Job {
  Route route = Route::kHandler;
  HttpRequest request;
  std::function<void(HttpReply)> done;
};

// The workers and their shared job queue.
class WorkerPool {
 public:
  // fresh_instance: every job gets a new Guest (and WASI context); the used one is dropped without OnStop.
  WorkerPool(std::shared_ptr<Engine> engine, const ModuleStore& store, GuestSettings settings, Metrics& metrics,
             bool fresh_instance);
  ~WorkerPool();

  // Starts n workers and waits until each has started its first guest. Errors: the first worker's failure (the
  // module cannot be instantiated or started); then no worker is left running.
  Status Start(size_t n);

  // Queues a job; false when the pool is stopping (done is not called then).
  bool Submit(Job job);

  // Lets queued jobs finish, stops every guest (OnStop / OnExit) and joins the workers. Idempotent.
  void Stop();

 private:
  void Run(std::promise<Status>* ready);
  std::unique_ptr<Guest> NewGuest(Context& context, Status* error);

  std::shared_ptr<Engine> engine_;
  const ModuleStore& store_;
  GuestSettings settings_;
  Metrics& metrics_;
  bool fresh_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace capsule::http
