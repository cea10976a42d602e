// The messaging example of the Rust and AssemblyScript SDKs (sdk/*/examples/hello-message) through the runners it is
// written for: capsule-nats on a real nats-server (request/reply, the audit event it publishes, its error reply) and
// capsule-mqtt on a real mosquitto (the reply topic, the audit event, the Capsule-Error property).
#include <gtest/gtest.h>

#include "greeter_check.h"
#include "message_runners.h"
#include "mqtt_test_client.h"
#include "sdk_guests.h"

namespace capsule::testing {
namespace {

class SdkMessagingTest : public SdkTest {
 protected:
  std::string Example() const { return GetParam().prefix + "hello-message"; }
};

TEST_P(SdkMessagingTest, ThroughCapsuleNats) {
  if (!HaveNatsServer()) GTEST_SKIP() << "nats-server is not installed";
  ExpectNatsGreeter(Example());
}

TEST_P(SdkMessagingTest, ThroughCapsuleMqtt) {
  if (!HaveMosquitto()) GTEST_SKIP() << "mosquitto is not installed";
  MosquittoServer server;
  ASSERT_TRUE(server.Start());
  MqttTestClient client(server.url());
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Subscribe("greetings"));
  ASSERT_TRUE(client.Subscribe("greetings/audit"));
  MqttRunner runner(server, Example(), {"--topic=greet/+", "--reply-topic=greetings", "--workers=1"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();

  ASSERT_TRUE(client.Publish("greet/fr", "Bob"));
  auto replies = client.WaitFor("greetings", 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].data, "Hello Bob");
  auto audits = client.WaitFor("greetings/audit", 1);
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0].data, R"({"greeted":"Bob","on":"greet/fr"})");

  ASSERT_TRUE(client.Publish("greet/fr", ""));
  replies = client.WaitFor("greetings", 2);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(HeaderValue(replies[1], "Capsule-Error"), "send a name");
  EXPECT_EQ(client.Received("greetings/audit").size(), 1u);  // no audit for a failed greeting
}

INSTANTIATE_TEST_SUITE_P(Sdks, SdkMessagingTest, ::testing::ValuesIn(AllSdks()), SdkName);

}  // namespace
}  // namespace capsule::testing
