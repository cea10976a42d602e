// Idle keep-alive connections to the upstreams (capsule-http children on 127.0.0.1), per port, bounded.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>

#include "faas/beast_http.h"

namespace capsule::faas {

// Keeps connections between two exchanges. Not thread-safe: it belongs to one event loop, like its sockets.
class UpstreamPool {
 public:
  // Holds at most max_idle_per_port connections per port; one idle for longer than max_idle_time is not reused
  // (keep it under the upstream's own idle timeout: capsule-http closes after 60 s).
  UpstreamPool(size_t max_idle_per_port, std::chrono::milliseconds max_idle_time);

  // The most recently returned idle connection to port that still looks open (the peer has not closed it and sent
  // nothing unasked), or nullopt. Connections found stale on the way are closed. A connection can still turn out
  // closed when used (the peer may close it at any moment): the caller retries once on a new one.
  std::optional<UpstreamSocket> Take(uint16_t port);

  // Keeps socket, idle, for a later Take(port); closes it instead when port already holds max_idle_per_port.
  void Give(uint16_t port, UpstreamSocket socket);

  // How many idle connections port has now.
  size_t Idle(uint16_t port) const;

 private:
  struct IdleConnection {
    UpstreamSocket socket;
    std::chrono::steady_clock::time_point since;
  };

  size_t max_idle_per_port_;
  std::chrono::milliseconds max_idle_time_;
  std::unordered_map<uint16_t, std::deque<IdleConnection>> idle_;
};

}  // namespace capsule::faas
