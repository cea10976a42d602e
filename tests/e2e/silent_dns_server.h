// A DNS server that never answers, for tests of lookups that hang: point a resolv.conf at its address.
#pragma once

#include <string>

namespace capsule::testing {

// A UDP socket on port 53 of a random 127.83.x.y that reads nothing and answers nothing, closed when destroyed.
class SilentDnsServer {
 public:
  SilentDnsServer();
  ~SilentDnsServer();
  SilentDnsServer(const SilentDnsServer&) = delete;
  SilentDnsServer& operator=(const SilentDnsServer&) = delete;

  // Empty when no address could be bound.
  const std::string& address() const { return address_; }

 private:
  int fd_ = -1;
  std::string address_;
};

}  // namespace capsule::testing
