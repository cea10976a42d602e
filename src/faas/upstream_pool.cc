#include "faas/upstream_pool.h"

#include <sys/socket.h>

#include <cerrno>
#include <utility>

namespace capsule::faas {
namespace {

// An idle connection is usable while reading it would block: a 0 means the peer closed it, and bytes nobody asked
// for mean it is out of step.
bool LooksOpen(UpstreamSocket& socket) {
  char byte;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

UpstreamPool::UpstreamPool(size_t max_idle_per_port, std::chrono::milliseconds max_idle_time)
    : max_idle_per_port_(max_idle_per_port), max_idle_time_(max_idle_time) {}

std::optional<UpstreamSocket> UpstreamPool::Take(uint16_t port) {
  auto found = idle_.find(port);
  if (found == idle_.end()) return std::nullopt;
  std::deque<IdleConnection>& idle = found->second;
  const auto now = std::chrono::steady_clock::now();
  while (!idle.empty()) {
    IdleConnection connection = std::move(idle.back());
    idle.pop_back();
    // The newest are at the back: once one is too old, so are all before it.
    if (now - connection.since > max_idle_time_) {
      idle.clear();
      break;
    }
    if (LooksOpen(connection.socket)) return std::move(connection.socket);
  }
  idle_.erase(found);
  return std::nullopt;
}

void UpstreamPool::Give(uint16_t port, UpstreamSocket socket) {
  std::deque<IdleConnection>& idle = idle_[port];
  if (idle.size() >= max_idle_per_port_) return;  // socket closes here
  idle.push_back(IdleConnection{std::move(socket), std::chrono::steady_clock::now()});
}

size_t UpstreamPool::Idle(uint16_t port) const {
  auto found = idle_.find(port);
  return found == idle_.end() ? 0 : found->second.size();
}

}  // namespace capsule::faas
