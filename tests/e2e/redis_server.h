// Test support: a real redis-server on a free loopback port, without persistence, that a test can stop and
// start again.
#pragma once

#include <string>

#include "server_process.h"

namespace capsule::testing {

// One redis-server process (see ServerProcess).
class RedisServer : public ServerProcess {
 public:
  RedisServer();
  // "redis://127.0.0.1:<port>/0".
  std::string uri() const { return "redis://127.0.0.1:" + std::to_string(port()) + "/0"; }
};

// Whether redis-server is installed (scripts/setup.sh installs it).
bool HaveRedisServer();

}  // namespace capsule::testing
