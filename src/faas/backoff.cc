#include "faas/backoff.h"

#include <algorithm>

namespace capsule::faas {

Backoff::Backoff(Duration initial, Duration max, Duration reset_after)
    : initial_(initial), max_(std::max(initial, max)), reset_after_(reset_after), current_(initial) {}

Backoff::Duration Backoff::Next(Duration last_run) {
  if (last_run >= reset_after_) current_ = initial_;
  Duration delay = current_;
  current_ = std::min(current_ * 2, max_);
  return delay;
}

}  // namespace capsule::faas
