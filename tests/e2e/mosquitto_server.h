// Test support: a real mosquitto MQTT broker on a free loopback port, anonymous, with persistence in a directory
// of its own that survives Stop/Start (persistent sessions and their queued messages outlive a restart).
#pragma once

#include <string>

#include "server_process.h"

namespace capsule::testing {

// One mosquitto process (see ServerProcess).
class MosquittoServer : public ServerProcess {
 public:
  MosquittoServer();
  ~MosquittoServer() override;
  // "tcp://127.0.0.1:<port>".
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port()); }
  // "127.0.0.1:<port>", as Capsule's legacy flags and host functions name a broker.
  std::string address() const { return "127.0.0.1:" + std::to_string(port()); }

 private:
  std::string dir_;
};

// Whether mosquitto is installed (scripts/setup.sh installs it).
bool HaveMosquitto();

}  // namespace capsule::testing
