// Test support: a real nats-server with JetStream on a free loopback port. Its JetStream store lives in a
// directory of its own that survives Stop/Start (a restarted server keeps its streams) and is removed with it.
#pragma once

#include <string>

#include "server_process.h"

namespace capsule::testing {

// One nats-server -js process (see ServerProcess).
class NatsServer : public ServerProcess {
 public:
  NatsServer();
  ~NatsServer() override;
  // "nats://127.0.0.1:<port>".
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port()); }

 private:
  std::string store_dir_;
};

// Whether nats-server is installed (scripts/setup.sh installs it).
bool HaveNatsServer();

}  // namespace capsule::testing
