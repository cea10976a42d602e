// capsule-mqtt's broker side: a subscriber connection (the --clientId, clean or persistent session) whose messages
// go into a bounded queue every worker takes from, and a publisher connection of its own client id for replies and
// the module's publishes, so that a drain can close the subscriber first (a persistent session then keeps what
// arrives) and still answer what it had taken.
#pragma once

#include <memory>
#include <string>

#include "host/mqtt_client.h"
#include "runners/messaging/message_runner.h"

namespace capsule::mqtt {

// What capsule-mqtt subscribes to and how.
struct MqttSourceOptions {
  host::MqttConnectOptions connect;  // url, client id, credentials, TLS, session
  std::string server;                // --mqttsrv as given (hostMqttGetServer)
  std::string topic;
  int qos = 1;
  std::string reply_topic;  // where S answers go for messages without an MQTT 5 response topic; empty: none
  size_t queue_capacity = 1024;
};

// Connects both connections; the source then subscribes and serves (runners::MessageSource).
Result<std::unique_ptr<runners::MessageSource>> ConnectMqtt(MqttSourceOptions options, serve::MessageMetrics& metrics);

}  // namespace capsule::mqtt
