// The messaging examples (examples/nats-greeter, nats-gateway, mqtt-thermostat) run through the runners they are
// written for, against a real nats-server and mosquitto.
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "greeter_check.h"
#include "host/mqtt_client.h"
#include "host/nats_client.h"
#include "message_runners.h"
#include "process.h"

namespace capsule::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::unique_ptr<host::NatsConnection> NatsClient(const NatsServer& server) {
  host::NatsConnectOptions o;
  o.url = server.url();
  auto c = host::NatsConnection::Connect(o);
  return c ? std::move(*c) : nullptr;
}

TEST(MessagingExamples, NatsGreeterRepliesAndAudits) {
  if (!HaveNatsServer()) GTEST_SKIP() << "nats-server is not installed";
  ExpectNatsGreeter("nats-greeter");
}

TEST(MessagingExamples, NatsGatewayAsksItsBackend) {
  if (!HaveNatsServer()) GTEST_SKIP() << "nats-server is not installed";
  NatsServer server;
  ASSERT_TRUE(server.Start());
  auto client = NatsClient(server);
  ASSERT_TRUE(client);
  NatsRunner runner(server, "nats-gateway", {"--subject=prices", "--allow-publish=backend.>", "--workers=1"},
                    {"BACKEND=backend.price"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();
  auto down = client->Request("prices", "apple", seconds(10));
  ASSERT_TRUE(down);
  EXPECT_EQ(NatsData(down->get()), "backend.price is unavailable: no responders on backend.price");
  natsSubscription* backend = nullptr;
  ASSERT_EQ(natsConnection_SubscribeSync(&backend, client->raw(), "backend.price"), NATS_OK);
  ASSERT_TRUE(client->Flush(seconds(5)));
  std::thread responder([&] {
    natsMsg* request = nullptr;
    if (natsSubscription_NextMsg(&request, backend, 10000) != NATS_OK) return;
    (void)client->Publish(natsMsg_GetReply(request), "1.20 EUR");
    natsMsg_Destroy(request);
  });
  auto up = client->Request("prices", "apple", seconds(10));
  responder.join();
  ASSERT_TRUE(up);
  EXPECT_EQ(NatsData(up->get()), "apple: 1.20 EUR");
  natsSubscription_Destroy(backend);
}

// What an MQTT test client received, in order.
class Inbox {
 public:
  void Add(Message m) {
    std::lock_guard lock(mu_);
    messages_.push_back(std::move(m));
    cv_.notify_all();
  }
  // The next message on topic within 10 s; false when none came.
  bool Next(const std::string& topic, Message* out) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, seconds(10), [&] {
      for (auto it = messages_.begin(); it != messages_.end(); ++it)
        if (it->subject == topic) {
          *out = std::move(*it);
          messages_.erase(it);
          return true;
        }
      return false;
    });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Message> messages_;
};

TEST(MessagingExamples, MqttThermostatSwitchesTheFan) {
  if (!HaveMosquitto()) GTEST_SKIP() << "mosquitto is not installed";
  MosquittoServer server;
  ASSERT_TRUE(server.Start());
  MqttRunner runner(server, "mqtt-thermostat",
                    {"--topic=sensors/+/temperature", "--reply-topic=thermostat/log", "--workers=1"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();
  Inbox inbox;
  host::MqttConnectOptions o;
  o.url = server.url();
  o.client_id = "thermostat-test";
  o.on_message = [&inbox](Message m) { inbox.Add(std::move(m)); };
  auto client = host::MqttConnection::Connect(o);
  ASSERT_TRUE(client) << client.error().message;
  ASSERT_TRUE((*client)->Subscribe("+/fan", 1));
  ASSERT_TRUE((*client)->Subscribe("thermostat/log", 1));
  ASSERT_TRUE((*client)->Publish("sensors/kitchen/temperature", "27.5", 1, false));
  Message fan, log;
  ASSERT_TRUE(inbox.Next("kitchen/fan", &fan));
  EXPECT_EQ(fan.data, "on");
  ASSERT_TRUE(inbox.Next("thermostat/log", &log));
  EXPECT_EQ(log.data, "kitchen: 27.5 -> fan on");
  ASSERT_TRUE((*client)->Publish("sensors/hall/temperature", "19", 1, false));
  ASSERT_TRUE(inbox.Next("hall/fan", &fan));
  EXPECT_EQ(fan.data, "off");
  ASSERT_TRUE(inbox.Next("thermostat/log", &log));
  EXPECT_EQ(log.data, "hall: 19 -> fan off");
  ASSERT_TRUE((*client)->Publish("sensors/hall/temperature", "cold", 1, false));
  ASSERT_TRUE(inbox.Next("thermostat/log", &log));
  EXPECT_EQ(log.data, "expected a number on sensors/<room>/temperature, got \"cold\" on sensors/hall/temperature");
  ASSERT_EQ(log.headers.size(), 1u);
  EXPECT_EQ(log.headers[0].first, "Capsule-Error");
}

}  // namespace
}  // namespace capsule::testing
