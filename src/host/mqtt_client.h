// An MQTT connection (Debian's libmosquitto 2.0, MQTT 5 or 3.1.1) for the host functions and capsule-mqtt: connect
// with credentials and TLS, its own network thread, reconnect with backoff and resubscribe, publish with MQTT 5
// properties, and deliver messages to a callback. Thread-safe, as libmosquitto is with its own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "capsule/message_abi.h"
#include "capsule/result.h"

struct mosquitto;

namespace capsule::host {

// Where an MQTT broker is: tcp:// or mqtt:// (1883 by default), ssl:// or mqtts:// (TLS, 8883), with optional
// user:password@; or Capsule's bare host:port.
struct MqttAddress {
  std::string host;
  int port = 1883;
  bool tls = false;
  std::string username, password;
};

// Parses url as above. kInvalidArgument for another scheme, a bad port or no host.
Result<MqttAddress> ParseMqttUrl(std::string_view url);

// Checks a subscription filter (+ and # only as whole levels, # last) and a publish topic (no wildcard): not empty,
// UTF-8, at most 65,535 bytes. kInvalidArgument saying what is wrong.
Status CheckMqttTopicFilter(std::string_view filter);
Status CheckMqttTopic(std::string_view topic);

// How to connect.
struct MqttConnectOptions {
  std::string url = "tcp://127.0.0.1:1883";
  std::string client_id;           // empty: the broker assigns one (clean sessions only)
  std::string username, password;  // override the URL's
  bool clean_session = true;       // false: a persistent session (MQTT 5: it never expires)
  int keepalive_seconds = 30;
  bool mqtt5 = true;                         // MQTT 5 (response topics, user properties); false: 3.1.1
  std::string ca_file, cert_file, key_file;  // TLS: trusted CAs (setting it turns TLS on), client certificate
  std::chrono::milliseconds connect_timeout{5000};
  // After the first connection: reconnect forever, whatever ended the connection (a lost link, a protocol error),
  // 1 s after the loss, then 4 s, then every 5 s. false: stay disconnected.
  bool reconnect = true;
  // MQTT 5: how many QoS 1 and 2 messages the broker may send before they are acknowledged. The network thread
  // acknowledges each one as it arrives, so a large window costs nothing; mosquitto 2.0 overruns small ones with
  // QoS 2 bursts, and libmosquitto then drops the connection.
  int receive_maximum = 65535;
  // From the network thread: every message of a subscription (must not block for long: hand it over), and each
  // loss or return of the connection (with the reason).
  std::function<void(Message message)> on_message;
  std::function<void(bool connected, const std::string& reason)> on_connection;
};

// MQTT 5 properties of a publish.
struct MqttPublishProperties {
  std::string response_topic;
  std::string correlation_data;
  MessageHeaders user_properties;
};

// One client connection.
class MqttConnection {
 public:
  // Connects and waits for the broker's CONNACK. Errors: kInvalidArgument (a bad URL or TLS file), kIo (the broker
  // is unreachable or refused the connection, with its reason).
  static Result<std::unique_ptr<MqttConnection>> Connect(MqttConnectOptions options);
  ~MqttConnection();
  MqttConnection(const MqttConnection&) = delete;
  MqttConnection& operator=(const MqttConnection&) = delete;

  // Subscribes to filter with qos and waits for the SUBACK; the subscription is made again after a reconnection
  // that lost the session. Errors: kIo (not connected, refused by the broker), kInvalidArgument (a bad filter).
  Status Subscribe(const std::string& filter, int qos);
  // Queues a publish (sent by the network thread; with reconnect, kept until the connection is back). Errors:
  // kInvalidArgument (bad topic, qos or a payload over 256 MiB), kIo.
  Status Publish(std::string_view topic, std::string_view data, int qos, bool retain,
                 const MqttPublishProperties& properties = {});
  // Waits until every publish so far was sent (QoS 0) or acknowledged (QoS 1 and 2). kIo after timeout.
  Status WaitForPublishes(std::chrono::milliseconds timeout);
  // Whether the connection is up now.
  bool connected() const;
  // Waits until the connection is up; false when it is not after timeout.
  bool WaitForConnection(std::chrono::milliseconds timeout);
  // The client id it connected with.
  const std::string& client_id() const { return options_.client_id; }

 private:
  struct State;
  explicit MqttConnection(MqttConnectOptions options);
  static void OnConnect(struct mosquitto*, void* self, int rc, int flags, const void* props);
  // The network thread: libmosquitto's loop, and the reconnections (mosquitto_loop_forever gives up for good on
  // some errors, a protocol error among them).
  void RunNetwork();

  MqttConnectOptions options_;
  std::unique_ptr<State> state_;
  struct mosquitto* mosq_ = nullptr;
  std::thread network_;
};

}  // namespace capsule::host
