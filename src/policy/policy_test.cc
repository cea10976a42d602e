// Policy's allow-lists.
#include "capsule/policy.h"

#include <gtest/gtest.h>

namespace capsule {
namespace {

TEST(Policy, EverythingAllowedByDefault) {
  Policy policy;
  EXPECT_TRUE(policy.EnvAllowed("HOME"));
  EXPECT_TRUE(policy.HostAllowed("example.com", 443));
}

TEST(Policy, EnvAllowListIsGlobs) {
  Policy policy;
  policy.env_allow = {"MESSAGE", "APP_*"};
  EXPECT_TRUE(policy.EnvAllowed("MESSAGE"));
  EXPECT_TRUE(policy.EnvAllowed("APP_NAME"));
  EXPECT_FALSE(policy.EnvAllowed("HOME"));
  EXPECT_FALSE(policy.EnvAllowed("MESSAGES"));
}

TEST(Policy, HostAllowListMatchesHostOrHostAndPort) {
  Policy policy;
  policy.allow_hosts = {"*.example.com", "127.0.0.1:8080"};
  EXPECT_TRUE(policy.HostAllowed("api.example.com", 443));
  EXPECT_FALSE(policy.HostAllowed("example.org", 443));
  EXPECT_TRUE(policy.HostAllowed("127.0.0.1", 8080));
  EXPECT_FALSE(policy.HostAllowed("127.0.0.1", 8081));
}

TEST(Policy, NatsWildcards) {
  EXPECT_TRUE(NatsSubjectMatch("orders.new", "orders.new"));
  EXPECT_TRUE(NatsSubjectMatch("orders.*", "orders.new"));
  EXPECT_FALSE(NatsSubjectMatch("orders.*", "orders.new.eu"));
  EXPECT_TRUE(NatsSubjectMatch("orders.>", "orders.new.eu"));
  EXPECT_FALSE(NatsSubjectMatch("orders.>", "orders"));  // > needs at least one token
  EXPECT_TRUE(NatsSubjectMatch(">", "anything.at.all"));
  EXPECT_TRUE(NatsSubjectMatch("*.new", "orders.new"));
  EXPECT_FALSE(NatsSubjectMatch("orders", "orders.new"));
  EXPECT_FALSE(NatsSubjectMatch("orders.new", "orders"));
  EXPECT_FALSE(NatsSubjectMatch("orders.new", ""));
  EXPECT_FALSE(NatsSubjectMatch("a.>.b", "a.x.b"));  // > only at the end
}

TEST(Policy, MqttWildcards) {
  EXPECT_TRUE(MqttTopicMatch("sensors/+/temp", "sensors/kitchen/temp"));
  EXPECT_FALSE(MqttTopicMatch("sensors/+/temp", "sensors/kitchen/hall/temp"));
  EXPECT_TRUE(MqttTopicMatch("sensors/#", "sensors"));  // # includes the parent level
  EXPECT_TRUE(MqttTopicMatch("sensors/#", "sensors/a/b"));
  EXPECT_TRUE(MqttTopicMatch("#", "a/b"));
  EXPECT_FALSE(MqttTopicMatch("sensors/temp", "sensors/temp/x"));
  EXPECT_TRUE(MqttTopicMatch("a//b", "a//b"));
  EXPECT_TRUE(MqttTopicMatch("a/+/b", "a//b"));  // an empty level is a level
}

TEST(Policy, PublishAllowListUsesTheBrokersWildcards) {
  Policy policy;
  EXPECT_TRUE(policy.PublishAllowed("nats", "anything"));
  policy.publish_allow = {"events.>", "sensors/+/cmd"};
  EXPECT_TRUE(policy.PublishAllowed("nats", "events.user.created"));
  EXPECT_FALSE(policy.PublishAllowed("nats", "admin.shutdown"));
  EXPECT_TRUE(policy.PublishAllowed("mqtt", "sensors/kitchen/cmd"));
  EXPECT_FALSE(policy.PublishAllowed("mqtt", "sensors/kitchen/raw"));
  EXPECT_FALSE(policy.PublishAllowed("mqtt", "events.user"));  // a NATS pattern means nothing to MQTT
}

}  // namespace
}  // namespace capsule
