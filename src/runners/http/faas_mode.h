// `capsule-http --faas`: the FaaS front instead of a module server (src/faas/, docs/faas.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/nats_client.h"

namespace capsule::http {

// The front's settings, from capsule-http's flags.
struct FaasConfig {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;  // 0: a free port
  std::string functions_dir;
  std::vector<std::string> allow_module_urls;
  std::vector<std::string> allow_exec;
  int replicas = 1;
  std::chrono::milliseconds proxy_timeout{30000};
  uint64_t max_body = uint64_t{8} << 20;
  std::string index_wasm;   // --wasm: served as the function index.page (every path outside /functions/)
  std::string config_file;  // --config: a functions file applied at start
  std::optional<host::NatsConnectOptions> nats;  // --natssrv: serve "via": "nats" revisions through it
  std::string nats_prefix = "capsule.faas";
};

// Runs the front until SIGINT/SIGTERM, then stops every child; returns the exit code (2 without CAPSULE_FAAS_TOKEN,
// 1 when it cannot listen, the functions file is refused, or a function of it or the index.page module does not
// start).
int FaasMain(const FaasConfig& config);

}  // namespace capsule::http
