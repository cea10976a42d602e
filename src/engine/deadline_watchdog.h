// A thread that interrupts calls whose deadline has passed; shared by every backend.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "capsule/engine.h"

namespace capsule::internal {

// Watches deadlines: at each one it calls Interrupt() on the registered handle, unless the registration was
// cancelled first. Thread-safe. The thread starts with the first registration.
class DeadlineWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  DeadlineWatchdog() = default;
  ~DeadlineWatchdog();
  DeadlineWatchdog(const DeadlineWatchdog&) = delete;
  DeadlineWatchdog& operator=(const DeadlineWatchdog&) = delete;

  // Arms a deadline for handle; returns a ticket for Cancel.
  uint64_t Arm(Clock::time_point deadline, std::shared_ptr<InterruptHandle> handle);
  // Disarms a ticket. After it returns, the watchdog will not interrupt for that ticket.
  void Cancel(uint64_t ticket);

 private:
  void Run();

  struct Entry {
    uint64_t ticket;
    std::shared_ptr<InterruptHandle> handle;
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<Clock::time_point, Entry> entries_;
  std::map<uint64_t, std::multimap<Clock::time_point, Entry>::iterator> by_ticket_;
  uint64_t next_ticket_ = 1;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace capsule::internal
