// Test support: capsule-nats and capsule-mqtt started in the background on a real broker, with their metrics
// endpoint on a free loopback port.
#pragma once

#include <nats/nats.h>

#include <string>
#include <vector>

#include "mosquitto_server.h"
#include "nats_server.h"
#include "runner_process.h"

namespace capsule::testing {

// The payload of a NATS message.
inline std::string NatsData(natsMsg* msg) {
  return std::string(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
}

// Path of the capsule-nats and capsule-mqtt binaries.
std::string NatsBinary();
std::string MqttBinary();

// A message runner with --metrics-port=0: ready once its started line ("... (N workers)") is printed.
class MessageRunner : public RunnerProcess {
 public:
  MessageRunner(const std::string& binary, std::vector<std::string> args, std::vector<std::string> env);
  // The port of the metrics endpoint.
  int metrics_port() const { return NumberAfter("metrics on http://127.0.0.1:"); }
  // The value of one sample of /metrics ("capsule_nats_messages_total{result=\"ok\"}"), -1 when absent.
  double Metric(const std::string& sample) const;
};

// capsule-nats serving guest (a name of CAPSULE_GUEST_DIR) from server, with args added.
class NatsRunner : public MessageRunner {
 public:
  NatsRunner(const NatsServer& server, const std::string& guest, std::vector<std::string> args,
             std::vector<std::string> env = {});
};

// capsule-mqtt serving guest from server, with args added.
class MqttRunner : public MessageRunner {
 public:
  MqttRunner(const MosquittoServer& server, const std::string& guest, std::vector<std::string> args,
             std::vector<std::string> env = {});
};

}  // namespace capsule::testing
