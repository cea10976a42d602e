// The MQTT host functions (docs/messaging.md): publish through the runner's connection (capsule-mqtt), the
// runner's topic, server and client id, and Capsule's connect-and-publish to any broker (every runner). Answers in
// the caller's generation: legacy `[OK](topic:data)` / `[ERR][0]:...`, current `S`+topic / `F`+....
#include <unistd.h>

#include <atomic>
#include <string>

#include "host/group.h"
#include "host/mqtt_client.h"

namespace capsule {
namespace {

// The runner's MQTT connection, or null when the module does not run in capsule-mqtt.
MessageBroker* Mqtt(const host::SharedOptions& options) {
  return options->broker && options->broker->protocol() == "mqtt" ? options->broker.get() : nullptr;
}

std::string Published(AbiKind kind, std::string_view topic, std::string_view data) {
  if (kind == AbiKind::kLegacy) return "[OK](" + std::string(topic) + ":" + std::string(data) + ")";
  return HostSuccess(kind, topic);
}

// A client id no other connection of this process uses: a broker drops the older of two connections that share
// one (the subscriber's, say, when a module names it).
std::string OwnClientId(std::string_view requested) {
  static std::atomic<uint64_t> counter{0};
  return (requested.empty() ? std::string("capsule") : std::string(requested)) + "-" + std::to_string(::getpid()) +
         "-" + std::to_string(++counter);
}

}  // namespace

void AddMqttHostFunctions(Linker& linker, const host::SharedOptions& options) {
  // (topic, data, ret): publishes through the runner's connection, QoS 0, not retained (as Capsule).
  DefineCapsuleHostFunction(linker, "hostMqttPublish", 6, [options](Caller& caller, std::span<const uint32_t> a) {
    auto strings = host::ReadGuestStrings<2>(caller, a);
    if (!strings) return Status(strings.take_error());
    auto& [topic, data] = *strings;
    const AbiKind kind = InstanceAbi(caller.instance());
    std::string reply;
    if (MessageBroker* mqtt = Mqtt(options); !mqtt) {
      reply = HostFailure(kind, "not connected to MQTT: this module does not run in capsule-mqtt");
    } else if (!options->policy.PublishAllowed("mqtt", topic)) {
      reply = HostFailure(kind, "publishing to " + topic + " is not allowed (--allow-publish)");
    } else {
      auto st = mqtt->Publish(topic, data, {});
      reply = st ? Published(kind, topic, data) : HostFailure(kind, st.error().message);
    }
    return ReturnBytesToGuest(caller, a[4], a[5], reply);
  });

  // (ret): what capsule-mqtt was started with; empty elsewhere.
  DefineCapsuleHostFunction(linker, "hostMqttGetTopic", 2, [options](Caller& caller, std::span<const uint32_t> a) {
    MessageBroker* mqtt = Mqtt(options);
    return ReturnBytesToGuest(caller, a[0], a[1], mqtt ? mqtt->subscription() : "");
  });
  DefineCapsuleHostFunction(linker, "hostMqttGetServer", 2, [options](Caller& caller, std::span<const uint32_t> a) {
    MessageBroker* mqtt = Mqtt(options);
    return ReturnBytesToGuest(caller, a[0], a[1], mqtt ? mqtt->server() : "");
  });
  DefineCapsuleHostFunction(linker, "hostMqttGetClientId", 2, [options](Caller& caller, std::span<const uint32_t> a) {
    MessageBroker* mqtt = Mqtt(options);
    return ReturnBytesToGuest(caller, a[0], a[1], mqtt ? mqtt->client_id() : "");
  });

  // (server, client id, topic, data, ret): connects to server (Capsule's host:port, or a URL) with a client id of
  // its own derived from the one given, publishes at QoS 0, disconnects (any runner).
  DefineCapsuleHostFunction(
      linker, "hostMqttConnectPublish", 10, [options](Caller& caller, std::span<const uint32_t> a) {
        auto strings = host::ReadGuestStrings<4>(caller, a);
        if (!strings) return Status(strings.take_error());
        auto& [server, client_id, topic, data] = *strings;
        const AbiKind kind = InstanceAbi(caller.instance());
        std::string reply;
        auto address = host::ParseMqttUrl(server);
        if (!address) {
          reply = HostFailure(kind, address.error().message);
        } else if (!options->policy.HostAllowed(address->host, address->port)) {
          reply = HostFailure(kind, "connecting to " + address->host + ":" + std::to_string(address->port) +
                                        " is not allowed (--allow-host)");
        } else if (!options->policy.PublishAllowed("mqtt", topic)) {
          reply = HostFailure(kind, "publishing to " + topic + " is not allowed (--allow-publish)");
        } else {
          host::MqttConnectOptions o;
          o.url = server;
          o.client_id = OwnClientId(client_id);
          o.reconnect = false;
          o.connect_timeout = options->broker_connect_timeout;
          auto conn = host::MqttConnection::Connect(std::move(o));
          Status st = conn ? (*conn)->Publish(topic, data, 0, false) : Status(conn.take_error());
          if (st) st = (*conn)->WaitForPublishes(options->broker_connect_timeout);
          reply = st ? Published(kind, topic, data) : HostFailure(kind, st.error().message);
        }
        return ReturnBytesToGuest(caller, a[8], a[9], reply);
      });
}

}  // namespace capsule
