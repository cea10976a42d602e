// Exponential backoff between the restarts of a replica.
#pragma once

#include <chrono>

namespace capsule::faas {

// Delays that start at `initial`, double at each failure up to `max`, and start over once the process stayed up
// for `reset_after`.
class Backoff {
 public:
  using Duration = std::chrono::milliseconds;

  Backoff(Duration initial, Duration max, Duration reset_after);

  // The delay before the next start, given how long the last run lasted; doubles the one after.
  Duration Next(Duration last_run);
  // The delay Next would return after a short run (for tests and listings).
  Duration current() const { return current_; }

 private:
  Duration initial_;
  Duration max_;
  Duration reset_after_;
  Duration current_;
};

}  // namespace capsule::faas
