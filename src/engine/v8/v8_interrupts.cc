// Interruption of V8 calls from other threads: requests queued on the isolate, and the per-instance state that
// lets a request stop only the call it was made for.
#include <algorithm>

#include "engine/v8/v8_internal.h"

namespace capsule::internal {

void PendingInterrupts::Add(InterruptRequest* request) {
  std::lock_guard lock(mu_);
  requests_.push_back(request);
}

bool PendingInterrupts::Remove(InterruptRequest* request) {
  std::lock_guard lock(mu_);
  auto it = std::find(requests_.begin(), requests_.end(), request);
  if (it == requests_.end()) return false;
  requests_.erase(it);
  return true;
}

void PendingInterrupts::DropAll() {
  std::vector<InterruptRequest*> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(requests_);
  }
  for (InterruptRequest* request : dropped) delete request;
}

void V8InterruptState::Interrupt() {
  std::lock_guard lock(mu_);
  uint64_t call = running_call_.load(std::memory_order_acquire);
  if (!isolate_ || call == 0) return;
  requested_call_.store(call, std::memory_order_release);
  auto* request = new InterruptRequest{shared_from_this(), call};
  pending_->Add(request);
  isolate_->RequestInterrupt(&OnInterrupt, request);
}

void V8InterruptState::OnInterrupt(v8::Isolate* isolate, void* data) {
  auto* request = static_cast<InterruptRequest*>(data);
  V8InterruptState& state = *request->state;
  if (!state.pending_->Remove(request)) return;  // already freed: cannot happen while the isolate lives
  std::unique_ptr<InterruptRequest> owned(request);
  if (state.running_call_.load(std::memory_order_relaxed) != owned->call) return;  // that call already ended
  state.interrupted_ = true;
  isolate->TerminateExecution();
}

void V8InterruptState::BeginCall() {
  interrupted_ = false;
  running_call_.store(++last_call_, std::memory_order_release);
}

bool V8InterruptState::EndCall() {
  running_call_.store(0, std::memory_order_relaxed);
  bool hit = interrupted_;
  interrupted_ = false;
  // On the isolate's thread, so isolate_ cannot be detached concurrently (Detach runs in ~V8Instance, here too).
  if (hit) isolate_->CancelTerminateExecution();
  return hit;
}

void V8InterruptState::Detach() {
  std::lock_guard lock(mu_);
  isolate_ = nullptr;
}

}  // namespace capsule::internal
