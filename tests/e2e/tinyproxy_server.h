// Test support: a real HTTP proxy (tinyproxy) on a free loopback port, accepting loopback clients, with its log in a
// directory of its own.
#pragma once

#include <string>

#include "server_process.h"

namespace capsule::testing {

// How the proxy is set up.
struct TinyproxyOptions {
  std::string basic_auth;     // "user password": clients must send these credentials (407 otherwise)
  int only_connect_port = 0;  // when set, CONNECT is allowed to this port only (403 for others)
};

// One tinyproxy process (see ServerProcess).
class TinyproxyServer : public ServerProcess {
 public:
  explicit TinyproxyServer(TinyproxyOptions options = {});
  ~TinyproxyServer() override;
  // "http://127.0.0.1:<port>".
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  // What it logged so far: a "Request ..." line for each request it took ("CONNECT host:port", "GET http://...").
  std::string Log() const;

 private:
  std::string dir_;
};

// Whether tinyproxy is installed (scripts/setup.sh installs it).
bool HaveTinyproxy();

}  // namespace capsule::testing
