#include "serve/worker_pool.h"

namespace capsule::serve {

// What one worker thread owns. Reached through current_ while the thread runs the loop.
struct WorkerPool::Worker {
  WorkerPool* pool = nullptr;
  size_t index = 0;
  std::unique_ptr<Context> context;
  std::unique_ptr<Guest> guest;
  bool used = false;  // with fresh instances: the guest served a request and must be recycled or replaced
};

thread_local WorkerPool::Worker* WorkerPool::current_ = nullptr;

WorkerPool::WorkerPool(std::shared_ptr<Engine> engine, const ModuleStore& store, GuestSettings settings,
                       InstanceMetrics& metrics, bool fresh_instance)
    : engine_(std::move(engine)),
      store_(store),
      settings_(std::move(settings)),
      metrics_(metrics),
      fresh_(fresh_instance) {}

WorkerPool::~WorkerPool() {
  Join();
}

Status WorkerPool::Start(size_t n, std::function<void(size_t)> loop) {
  interrupts_.assign(n, nullptr);
  std::vector<std::promise<Status>> ready(n);
  std::promise<bool> go;
  std::shared_future<bool> go_future = go.get_future().share();
  for (size_t i = 0; i < n; ++i)
    threads_.emplace_back([this, i, p = &ready[i], go_future, loop] { Run(i, p, go_future, loop); });
  Status result = Status::Ok();
  for (auto& p : ready) {
    Status st = p.get_future().get();
    if (!st && result) result = std::move(st);
  }
  go.set_value(static_cast<bool>(result));
  if (!result) Join();
  return result;
}

void WorkerPool::InterruptAll() {
  std::lock_guard lock(interrupts_mu_);
  for (auto& handle : interrupts_)
    if (handle) handle->Interrupt();
}

void WorkerPool::Join() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

bool WorkerPool::Replenish(Worker& w, Status* error) {
  if (w.guest && (!store_.IsCurrent(w.guest->version()) || !w.guest->healthy())) {
    if (!fresh_) w.guest->Stop();
    Discard(w);
  }
  if (w.guest && w.used) {
    if (w.guest->Recycle()) {
      w.used = false;
      metrics_.RecordInstanceRecycled();
    } else {
      Discard(w);
    }
  }
  if (w.guest) return true;
  auto guest = Guest::Create(*w.context, store_.Current(), settings_);
  if (!guest) {
    *error = guest.take_error();
    return false;
  }
  w.guest = std::move(*guest);
  {
    std::lock_guard lock(interrupts_mu_);
    interrupts_[w.index] = w.guest->interrupt_handle();
  }
  metrics_.RecordInstanceCreated();
  metrics_.AddInstances(1);
  return true;
}

void WorkerPool::Discard(Worker& w) {
  w.used = false;
  if (!w.guest) return;
  w.guest.reset();
  metrics_.AddInstances(-1);
}

Result<Guest*> WorkerPool::Acquire() {
  Worker* w = current_;
  if (w == nullptr || w->pool != this) return Fail(ErrorCode::kInternal, "a call was served off a worker thread");
  Status error = Status::Ok();
  if (!Replenish(*w, &error)) return error.take_error();
  return w->guest.get();
}

void WorkerPool::Release(Outcome outcome) {
  Worker* w = current_;
  if (w == nullptr || w->pool != this) return;
  if (outcome == Outcome::kTrap) metrics_.RecordTrap();
  if (outcome == Outcome::kTimeout) metrics_.RecordTimeout();
  if (outcome != Outcome::kOk)
    Discard(*w);
  else if (fresh_)
    w->used = true;
}

void WorkerPool::Prepare() {
  Worker* w = current_;
  if (w == nullptr || w->pool != this || (w->guest && !w->used)) return;
  Status error = Status::Ok();
  (void)Replenish(*w, &error);  // a failure is reported by the next Serve
}

void WorkerPool::Run(size_t index, std::promise<Status>* ready, std::shared_future<bool> go,
                     std::function<void(size_t)> loop) {
  Worker w;
  w.pool = this;
  w.index = index;
  auto context = engine_->NewContext();
  if (!context) {
    ready->set_value(context.take_error());
    return;
  }
  w.context = std::move(*context);
  Status error = Status::Ok();
  Replenish(w, &error);
  ready->set_value(error);
  if (error && go.get()) {
    current_ = &w;
    loop(index);
    current_ = nullptr;
    if (w.guest && !fresh_) w.guest->Stop();
  }
  Discard(w);
  w.context.reset();
}

}  // namespace capsule::serve
