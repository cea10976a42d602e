// Test support: waiting for a condition with a deadline instead of sleeping a fixed time.
#pragma once

#include <chrono>
#include <thread>

namespace capsule::testing {

// Polls condition every 10 ms until it holds (true) or timeout passed (false, after one last look).
template <typename Condition>
bool WaitUntil(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

}  // namespace capsule::testing
