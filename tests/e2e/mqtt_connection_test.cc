// The HDK's MQTT connection (host/mqtt_client.h) against a real mosquitto: what capsule-mqtt relies on when the
// connection breaks.
#include <gtest/gtest.h>

#include <atomic>

#include "mosquitto_server.h"
#include "mqtt_test_client.h"
#include "wait.h"

namespace capsule::testing {
namespace {

using namespace std::chrono_literals;

// libmosquitto's own loop (mosquitto_loop_forever) gives up for good after a protocol error; the connection must be
// made again all the same. The error: mosquitto 2.0 overruns a Receive Maximum of 20 with a QoS 2 burst (capsule
// uses 65535 and does not meet it; libmosquitto then keeps the old connection's unfinished QoS 2 messages, so with
// 20 the next QoS 1 or 2 message overruns it again: this test only asks for the reconnections).
TEST(MqttConnection, ConnectsAgainAfterAProtocolError) {
  if (!HaveMosquitto()) GTEST_SKIP() << "mosquitto is not installed (scripts/setup.sh)";
  MosquittoServer broker;
  ASSERT_TRUE(broker.Start());
  std::atomic<int> losses{0}, returns{0};
  host::MqttConnectOptions options;
  options.url = broker.url();
  options.client_id = "small-receive-maximum";
  options.receive_maximum = 20;
  options.on_message = [](Message) {};
  options.on_connection = [&, first = true](bool up, const std::string&) mutable {
    if (first) {
      first = false;
    } else {
      ++(up ? returns : losses);
    }
  };
  auto connection = host::MqttConnection::Connect(options);
  ASSERT_TRUE(connection) << connection.error().message;
  ASSERT_TRUE((*connection)->Subscribe("in", 2));

  MqttTestClient publisher(broker.url());
  ASSERT_TRUE(publisher.ok()) << publisher.error();
  ASSERT_TRUE(publisher.PublishBurst("in", "burst", 2, 10000));
  if (!WaitUntil([&] { return losses > 0; }, 5s))
    GTEST_SKIP() << "this mosquitto keeps to a Receive Maximum of 20: no protocol error to recover from";
  EXPECT_TRUE(WaitUntil([&] { return returns > 0; }, 10s));
}

}  // namespace
}  // namespace capsule::testing
