// The FaaS front (`capsule-http --faas`): one HTTP server on one event loop that answers the admin API
// (docs/faas.md; Capsule's routes, with a token that is required), starts function revisions as capsule-http
// children through a Supervisor, and proxies each call to the least busy up replica of its revision.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsule/result.h"
#include "faas/http_proxy.h"
#include "faas/supervisor.h"
#include "host/nats_client.h"

namespace capsule::faas {

// What the front accepts and how it serves.
struct FrontOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;           // 0: a free port
  std::string token;              // CAPSULE_FAAS_TOKEN; must not be empty
  std::string capsule_http_path;  // the program a start without "path" runs (capsule-http itself)
  // Other programs a start may name in "path" (--allow-exec): capsule-http builds of other versions, say. Compared
  // as canonical paths.
  std::vector<std::string> allow_exec;
  // The directory a start's --wasm must be inside (--functions-dir); a relative --wasm is taken from it.
  std::string functions_dir;
  // URL prefixes a start's --url may begin with (--allow-module-url); none: no downloads.
  std::vector<std::string> allow_module_urls;
  int replicas = 1;  // children per revision (--replicas)
  uint64_t max_body = uint64_t{8} << 20;
  ProxyOptions proxy;
  // A NATS connection (--natssrv): revisions started "via": "nats" are then served by capsule-nats workers on
  // <nats_prefix>.<name>.<revision> (serve/http_envelope.h), with proxy.timeout as each call's limit.
  std::optional<host::NatsConnectOptions> nats;
  std::string nats_prefix = "capsule.faas";
};

// The front. Run on one thread; admin operations that wait (starting, stopping) run on threads of their own and
// answer on the loop.
class Front {
 public:
  // supervisor must outlive the front.
  Front(FrontOptions options, Supervisor& supervisor);
  ~Front();
  Front(const Front&) = delete;
  Front& operator=(const Front&) = delete;

  // Binds and listens, and connects to NATS when options.nats is set. Errors: kInvalidArgument / kIo naming the
  // address, or the NATS connection's error.
  Status Listen();
  // Makes the running functions and routes those of a functions file (functions_file.h): starts what is missing,
  // restarts what changed, stops what is not listed. Errors: kInvalidArgument with the file's error or, when some
  // revision did not start, the report (JSON) naming it.
  Status ApplyFile(const std::string& text);
  // The bound port (after Listen).
  uint16_t port() const;
  // Serves until SIGINT or SIGTERM, then stops accepting, lets the admin operations in flight end, and returns the
  // signal's name. The caller then stops the supervisor's children.
  std::string Run();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace capsule::faas
