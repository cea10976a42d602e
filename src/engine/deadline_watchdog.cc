#include "engine/deadline_watchdog.h"

namespace capsule::internal {

DeadlineWatchdog::~DeadlineWatchdog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t DeadlineWatchdog::Arm(Clock::time_point deadline, std::shared_ptr<InterruptHandle> handle) {
  std::lock_guard lock(mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  uint64_t ticket = next_ticket_++;
  auto it = entries_.emplace(deadline, Entry{ticket, std::move(handle)});
  by_ticket_.emplace(ticket, it);
  if (it == entries_.begin()) cv_.notify_all();
  return ticket;
}

void DeadlineWatchdog::Cancel(uint64_t ticket) {
  std::lock_guard lock(mu_);
  auto it = by_ticket_.find(ticket);
  if (it == by_ticket_.end()) return;
  entries_.erase(it->second);
  by_ticket_.erase(it);
}

void DeadlineWatchdog::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (entries_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = entries_.begin();
    const Clock::time_point when = first->first;  // a copy: Cancel may erase the entry while we wait
    if (Clock::now() < when) {
      cv_.wait_until(lock, when);
      continue;
    }
    // Interrupt under the lock: Cancel() returning means the interrupt either happened or never will.
    first->second.handle->Interrupt();
    by_ticket_.erase(first->second.ticket);
    entries_.erase(first);
  }
}

}  // namespace capsule::internal
