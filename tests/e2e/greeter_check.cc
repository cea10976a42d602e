#include "greeter_check.h"

#include <gtest/gtest.h>

#include "host/nats_client.h"
#include "message_runners.h"

namespace capsule::testing {

using std::chrono::seconds;

void ExpectNatsGreeter(const std::string& guest) {
  NatsServer server;
  ASSERT_TRUE(server.Start());
  host::NatsConnectOptions o;
  o.url = server.url();
  auto client = host::NatsConnection::Connect(o);
  ASSERT_TRUE(client) << client.error().message;
  natsSubscription* audit = nullptr;
  ASSERT_EQ(natsConnection_SubscribeSync(&audit, (*client)->raw(), "greetings.audit"), NATS_OK);
  ASSERT_TRUE((*client)->Flush(seconds(5)));
  NatsRunner runner(server, guest, {"--subject=greet.*", "--queue=greeters", "--workers=1"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();

  auto reply = (*client)->Request("greet.fr", "Bob", seconds(10));
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(NatsData(reply->get()), "Hello Bob");
  natsMsg* event = nullptr;
  ASSERT_EQ(natsSubscription_NextMsg(&event, audit, 10000), NATS_OK);
  EXPECT_EQ(NatsData(event), R"({"greeted":"Bob","on":"greet.fr"})");
  natsMsg_Destroy(event);

  auto empty = (*client)->Request("greet.fr", "", seconds(10));
  ASSERT_TRUE(empty) << empty.error().message;
  const char* error = nullptr;
  ASSERT_EQ(natsMsgHeader_Get(empty->get(), "Capsule-Error", &error), NATS_OK);
  EXPECT_STREQ(error, "send a name");
  natsSubscription_Destroy(audit);
}

}  // namespace capsule::testing
