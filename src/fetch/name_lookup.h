// Host-name resolution for the HTTP client that keeps to a deadline: getaddrinfo cannot be cancelled, so each lookup
// runs on a thread of its own that the caller abandons when the deadline passes (Asio's resolver would make the
// caller wait for it, up to the system resolver's own timeouts).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "capsule/result.h"

namespace capsule::fetch {

// The addresses of host (a name, or an IPv4/IPv6 address, which needs no lookup) for TCP port, in getaddrinfo's
// order. Errors, whose message is only the reason (the caller names the host): kInterrupted when until passes first
// (the lookup finishes later, unseen), kIo when the name does not resolve (getaddrinfo's reason), kResourceLimit
// when kMaxPendingLookups lookups of this process are still running.
Result<std::vector<boost::asio::ip::tcp::endpoint>> LookUpHost(const std::string& host, int port,
                                                               std::chrono::steady_clock::time_point until);

// How many lookups may be pending at once, abandoned ones included.
inline constexpr int kMaxPendingLookups = 64;

}  // namespace capsule::fetch
