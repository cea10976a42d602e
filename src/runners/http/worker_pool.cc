#include "runners/http/worker_pool.h"

#include <cstdio>

namespace capsule::http {

WorkerPool::WorkerPool(std::shared_ptr<Engine> engine, const ModuleStore& store, GuestSettings settings,
                       Metrics& metrics, bool fresh_instance)
    : engine_(std::move(engine)),
      store_(store),
      settings_(std::move(settings)),
      metrics_(metrics),
      fresh_(fresh_instance) {}

WorkerPool::~WorkerPool() {
  Stop();
}

Status WorkerPool::Start(size_t n) {
  std::vector<std::promise<Status>> ready(n);
  for (size_t i = 0; i < n; ++i) threads_.emplace_back([this, p = &ready[i]] { Run(p); });
  Status result = Status::Ok();
  for (auto& p : ready) {
    Status st = p.get_future().get();
    if (!st && result) result = std::move(st);
  }
  if (!result) Stop();
  return result;
}

bool WorkerPool::Submit(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

std::unique_ptr<Guest> WorkerPool::NewGuest(Context& context, Status* error) {
  auto guest = Guest::Create(context, store_.Current(), settings_);
  if (!guest) {
    *error = guest.take_error();
    return nullptr;
  }
  metrics_.RecordInstanceCreated();
  metrics_.AddInstances(1);
  return std::move(*guest);
}

void WorkerPool::Run(std::promise<Status>* ready) {
  auto context_or = engine_->NewContext();
  if (!context_or) {
    ready->set_value(context_or.take_error());
    return;
  }
  std::unique_ptr<Context> context = std::move(*context_or);
  Status error = Status::Ok();
  std::unique_ptr<Guest> guest = NewGuest(*context, &error);
  const bool started = guest != nullptr;
  ready->set_value(error);
  auto discard = [&] {
    if (!guest) return;
    guest.reset();
    metrics_.AddInstances(-1);
  };
  while (started) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    if (guest && (guest->version() != store_.Current().get() || !guest->healthy())) {
      if (!fresh_) guest->Stop();
      discard();
    }
    if (!guest) guest = NewGuest(*context, &error);
    if (!guest) {
      HttpReply r;
      r.status = 500;
      r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
      r.body = "the module could not be started: " + error.error().message + "\n";
      job.done(std::move(r));
      continue;
    }
    Outcome outcome;
    HttpReply reply = guest->Serve(job.route, job.request, &outcome);
    if (outcome == Outcome::kTrap) metrics_.RecordTrap();
    if (outcome == Outcome::kTimeout) metrics_.RecordTimeout();
    if (outcome != Outcome::kOk || fresh_) discard();
    job.done(std::move(reply));
    // Prepare the next instance now, while no request waits for it.
    if (!guest) guest = NewGuest(*context, &error);
  }
  if (guest && !fresh_) guest->Stop();
  discard();
  context.reset();
}

}  // namespace capsule::http
