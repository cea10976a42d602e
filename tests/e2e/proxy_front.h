// Test support for the FaaS reverse proxy: a small front, on a free loopback port and its own Asio loop in a
// thread, that answers every request through one faas::HttpProxy to one upstream port.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "faas/http_proxy.h"

namespace capsule::testing {

// "/functions/NAME/sub/path?q" -> "/sub/path?q" ("/functions/NAME" and "/functions/NAME?q" -> "/", "/?q");
// any other target is sent unchanged. (The real front also strips a revision and picks the upstream by NAME.)
std::string UpstreamTarget(const std::string& target);

// Serves keep-alive HTTP/1.1 connections until destroyed; each request goes through the proxy to upstream_port.
class ProxyFront {
 public:
  ProxyFront(int upstream_port, faas::ProxyOptions options = {});
  ~ProxyFront();
  ProxyFront(const ProxyFront&) = delete;
  ProxyFront& operator=(const ProxyFront&) = delete;

  int port() const;
  // Connections the proxy has opened to the upstream so far.
  uint64_t UpstreamConnectionsOpened();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace capsule::testing
