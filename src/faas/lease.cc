#include "faas/lease.h"

namespace capsule::faas {

Lease::Lease(int port, int index, std::shared_ptr<std::atomic<int>> in_flight)
    : port_(port), index_(index), in_flight_(std::move(in_flight)) {
  if (in_flight_) in_flight_->fetch_add(1);
}

Lease::Lease(Lease&& other) noexcept
    : port_(other.port_), index_(other.index_), in_flight_(std::move(other.in_flight_)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    port_ = other.port_;
    index_ = other.index_;
    in_flight_ = std::move(other.in_flight_);
  }
  return *this;
}

void Lease::Release() {
  if (in_flight_) in_flight_->fetch_sub(1);
  in_flight_.reset();
}

}  // namespace capsule::faas
