// A replica leased for one request: how the proxy picks a port and counts the requests in flight per replica.
#pragma once

#include <atomic>
#include <memory>

namespace capsule::faas {

// A replica chosen to take one request; counts as in flight on it until released (or destroyed). Move-only.
class Lease {
 public:
  // An empty lease (port 0) that counts nothing.
  Lease() = default;
  // Counts one more request on in_flight, until released.
  Lease(int port, int index, std::shared_ptr<std::atomic<int>> in_flight);
  ~Lease() { Release(); }
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  // The loopback port to send the request to.
  int port() const { return port_; }
  // Which replica of the key it is.
  int index() const { return index_; }
  // Ends the request's count on the replica; further calls do nothing.
  void Release();

 private:
  int port_ = 0;
  int index_ = -1;
  std::shared_ptr<std::atomic<int>> in_flight_;
};

}  // namespace capsule::faas
