// The HTTP endpoint of a message runner (--metrics-port): GET /metrics serves the runner's Prometheus metrics,
// GET /health its health, POST /capsule/reload and POST /load-wasm-module reload the module as capsule-http's routes
// do (serve/reload_request.h). HTTP/1.1 with keep-alive, on a thread of its own; nothing else is served (404).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "capsule/result.h"
#include "serve/reloader.h"

namespace capsule::serve {

// What the routes answer.
struct AdminRoutes {
  std::function<std::string()> metrics;                 // the /metrics body
  std::function<std::pair<int, std::string>()> health;  // the /health status and JSON body
  Reloader* reloader = nullptr;                         // null: the reload routes answer 404
  std::string reload_token;                             // CAPSULE_RELOAD_TOKEN; empty: reload refused (403)
  std::string program;                                  // names the runner in log lines
};

// A running endpoint. Stops (and joins its thread) when destroyed.
class AdminServer {
 public:
  // Listens on host:port (0: a free port) and starts serving. Errors: kInvalidArgument (a bad address), kIo
  // (the port is taken), naming the address.
  static Result<std::unique_ptr<AdminServer>> Start(const std::string& host, uint16_t port, AdminRoutes routes);
  ~AdminServer();
  // The bound port.
  uint16_t port() const;

  struct Impl;  // server.cc's event loop and sessions

 private:
  AdminServer() = default;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capsule::serve
