#include "message_runners.h"

#include <cstdlib>

#include "http_client.h"
#include "process.h"

namespace capsule::testing {
namespace {

std::vector<std::string> With(std::vector<std::string> first, std::vector<std::string> rest) {
  first.insert(first.end(), rest.begin(), rest.end());
  return first;
}

}  // namespace

std::string NatsBinary() {
  return std::string(CAPSULE_BINARY_DIR) + "/src/runners/nats/capsule-nats";
}

std::string MqttBinary() {
  return std::string(CAPSULE_BINARY_DIR) + "/src/runners/mqtt/capsule-mqtt";
}

MessageRunner::MessageRunner(const std::string& binary, std::vector<std::string> args, std::vector<std::string> env)
    : RunnerProcess(binary, With({"--metrics-port=0", "--metrics-host=127.0.0.1"}, std::move(args)), std::move(env),
                    " workers") {}

double MessageRunner::Metric(const std::string& sample) const {
  auto r = HttpRequest(metrics_port(), "GET", "/metrics");
  const size_t at = r.body.find("\n" + sample + " ");
  return at == std::string::npos ? -1 : std::atof(r.body.c_str() + at + sample.size() + 2);
}

NatsRunner::NatsRunner(const NatsServer& server, const std::string& guest, std::vector<std::string> args,
                       std::vector<std::string> env)
    : MessageRunner(NatsBinary(), With({"--wasm=" + GuestPath(guest), "--natssrv=" + server.url()}, std::move(args)),
                    std::move(env)) {}

MqttRunner::MqttRunner(const MosquittoServer& server, const std::string& guest, std::vector<std::string> args,
                       std::vector<std::string> env)
    : MessageRunner(MqttBinary(), With({"--wasm=" + GuestPath(guest), "--mqttsrv=" + server.url()}, std::move(args)),
                    std::move(env)) {}

}  // namespace capsule::testing
