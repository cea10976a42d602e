// The HTTP front of capsule-http. The main thread's event loop accepts HTTP/1.1 (or HTTPS) connections and hands
// each to one worker; every worker runs its own event loop, reads its connections' requests with Boost.Beast,
// routes them (host routes here, guest routes to its own guest) and writes the replies in request order. Every
// Boost error is handled here; nothing escapes as an exception.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "runners/http/metrics.h"
#include "serve/module_store.h"
#include "serve/reloader.h"
#include "serve/worker_pool.h"

namespace capsule::http {

// How the server listens and which host-side limits it applies.
struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 0;     // 0: a free port
  std::string crt, key;  // both set: TLS
  uint64_t max_body = 8u << 20;
  std::optional<std::chrono::milliseconds> stop_after;  // idle time before stopping
  std::chrono::milliseconds drain_limit{30000};         // how long a graceful stop waits for requests in flight
  bool access_log = false;
  std::string reload_token;  // empty: reload routes disabled
};

// The listening socket and the event loops (the main thread's and one per worker). Uses the store, pool, reloader
// and metrics it is given (they must outlive it).
class Server {
 public:
  Server(ServerOptions options, const serve::ModuleStore& store, serve::WorkerPool& pool, serve::Reloader& reloader,
         Metrics& metrics);
  ~Server();

  // Binds and listens. Errors: kInvalidArgument / kIo with the address or the TLS files named.
  Status Listen();
  // The bound port (after Listen).
  uint16_t port() const;
  // Starts the pool's workers, each running its event loop (and its guest), calls on_started once all have
  // started, runs the accepting loop on the calling thread, and returns when SIGINT/SIGTERM (after a graceful drain) or
  // the --stopAfter expiry stopped them, with the reason. Errors: the workers could not start the module (nothing was
  // served).
  Result<std::string> Run(size_t workers, const std::function<void()>& on_started);

  // The event loops and their state (server.cc); public only so that the connection code there can name it.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace capsule::http
