// capsule-mqtt end to end, against a real mosquitto on a free loopback port: replies (current ABI, MQTT 5 response
// topics), errors and limits, QoS levels, persistent sessions, client ids, the legacy ABI, the envelope, a broker
// restart, bad input and the graceful stop.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "http_client.h"
#include "mosquitto_server.h"
#include "mqtt_test_client.h"
#include "process.h"
#include "runner_process.h"
#include "wait.h"

namespace capsule::testing {
namespace {

using namespace std::chrono_literals;

std::string MqttBinaryPath() {
  return std::string(CAPSULE_BINARY_DIR) + "/src/runners/mqtt/capsule-mqtt";
}

// A capsule-mqtt process.
class MqttRunner : public RunnerProcess {
 public:
  explicit MqttRunner(std::vector<std::string> args, std::vector<std::string> env = {})
      : RunnerProcess(MqttBinaryPath(), std::move(args), std::move(env)) {}

  // Waits until every worker serves (the line printed once subscribed).
  bool Ready() { return WaitForStdout("capsule-mqtt: subscribed to "); }

  // The port of --metrics-port=0, read from its output (0 when none).
  int MetricsPort() {
    const std::string marker = "metrics on http://127.0.0.1:";
    if (!WaitForStdout(marker, 5s)) return 0;
    const std::string out = Stdout();
    return std::atoi(out.c_str() + out.find(marker) + marker.size());
  }

  // The value of one series of /metrics (its name and labels as printed), or -1 when it is not there.
  double Metric(const std::string& series) {
    const std::string text = "\n" + HttpRequest(MetricsPort(), "GET", "/metrics").body;
    const size_t at = text.find("\n" + series + " ");
    return at == std::string::npos ? -1 : std::atof(text.c_str() + at + series.size() + 2);
  }
};

// The most bytes waiting unread in one loopback TCP socket connected to port (/proc/net/tcp's rx_queue): a client
// that stopped reading its connection to the broker.
size_t UnreadBytesFrom(int port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // the header
  size_t most = 0;
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    const size_t colon = remote.find(':'), queue_colon = queues.find(':');
    if (colon == std::string::npos || queue_colon == std::string::npos) continue;
    if (std::stoi(remote.substr(colon + 1), nullptr, 16) != port) continue;
    most = std::max<size_t>(most, std::stoul(queues.substr(queue_colon + 1), nullptr, 16));
  }
  return most;
}

// Messages' payloads, in order.
std::vector<std::string> Payloads(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const Message& m : messages) out.push_back(m.data);
  return out;
}

class MqttRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveMosquitto()) GTEST_SKIP() << "mosquitto is not installed (scripts/setup.sh)";
    ASSERT_TRUE(broker_.Start());
    client_ = std::make_unique<MqttTestClient>(broker_.url());
    ASSERT_TRUE(client_->ok()) << client_->error();
  }

  // capsule-mqtt's flags for guest on this broker and topic, metrics on a free port, then extra.
  std::vector<std::string> Args(const std::string& guest, const std::string& topic,
                                std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--wasm=" + GuestPath(guest), "--mqttsrv=" + broker_.url(), "--topic=" + topic,
                                     "--metrics-port=0", "--metrics-host=127.0.0.1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // Publishes data to topic and waits for the n-th message on reply_topic; returns it (empty when none came).
  Message Ask(const std::string& topic, const std::string& data, const std::string& reply_topic, size_t n) {
    EXPECT_TRUE(client_->Publish(topic, data));
    auto replies = client_->WaitFor(reply_topic, n);
    return replies.size() >= n ? replies[n - 1] : Message{};
  }

  MosquittoServer broker_;
  std::unique_ptr<MqttTestClient> client_;
};

// --- Current ABI, --reply-topic ---

TEST_F(MqttRunnerTest, EchoAndFailureRepliesOnTheReplyTopic) {
  ASSERT_TRUE(client_->Subscribe("out"));
  MqttRunner runner(Args("msg_current", "in", {"--reply-topic=out", "--workers=2"}));
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();

  Message echo = Ask("in", "hello", "out", 1);
  EXPECT_EQ(echo.data, "echo:hello");
  EXPECT_EQ(HeaderValue(echo, "Capsule-Error"), "");

  Message failed = Ask("in", "fail", "out", 2);
  EXPECT_EQ(failed.data, "you asked me to fail");
  EXPECT_EQ(HeaderValue(failed, "Capsule-Error"), "you asked me to fail");
  EXPECT_EQ(runner.Metric("capsule_mqtt_messages_total{result=\"ok\"}"), 1);
  EXPECT_EQ(runner.Metric("capsule_mqtt_messages_total{result=\"failed\"}"), 1);
}

TEST_F(MqttRunnerTest, TrapRepliesWithTheErrorAndTheRunnerKeepsServing) {
  ASSERT_TRUE(client_->Subscribe("out"));
  MqttRunner runner(Args("msg_current", "in", {"--reply-topic=out", "--workers=1"}));
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();

  Message trapped = Ask("in", "trap", "out", 1);
  EXPECT_EQ(trapped.data.rfind("trap: unreachable", 0), 0u) << trapped.data;
  EXPECT_EQ(HeaderValue(trapped, "Capsule-Error"), trapped.data);
  EXPECT_EQ(Ask("in", "after the trap", "out", 2).data, "echo:after the trap");
  EXPECT_EQ(runner.Metric("capsule_mqtt_messages_total{result=\"trapped\"}"), 1);
  EXPECT_EQ(runner.Metric("capsule_mqtt_traps_total"), 1);
  EXPECT_EQ(runner.Metric("capsule_mqtt_messages_total{result=\"ok\"}"), 1);
}

TEST_F(MqttRunnerTest, GarbageAnswerIsAnErrorReply) {
  ASSERT_TRUE(client_->Subscribe("out"));
  MqttRunner runner(Args("msg_current", "in", {"--reply-topic=out", "--workers=1"}));
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();

  Message garbage = Ask("in", "garbage", "out", 1);
  EXPECT_TRUE(Contains(garbage.data, "bad result from callHandle")) << garbage.data;
  EXPECT_TRUE(Contains(garbage.data, "outside the guest memory")) << garbage.data;
  EXPECT_EQ(HeaderValue(garbage, "Capsule-Error"), garbage.data);
  EXPECT_EQ(Ask("in", "next", "out", 2).data, "echo:next");
}

TEST_F(MqttRunnerTest, TimeoutInterruptsALoopingGuest) {
  ASSERT_TRUE(client_->Subscribe("out"));
  MqttRunner runner(Args("msg_current", "in", {"--reply-topic=out", "--workers=1", "--timeout=200ms"}));
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();

  Message timeout = Ask("in", "loop", "out", 1);
  EXPECT_EQ(timeout.data, "timeout: the module ran longer than --timeout=200ms and was interrupted");
  EXPECT_EQ(HeaderValue(timeout, "Capsule-Error"), timeout.data);
  EXPECT_EQ(Ask("in", "next", "out", 2).data, "echo:next");
  EXPECT_EQ(runner.Metric("capsule_mqtt_messages_total{result=\"timeout\"}"), 1);
  EXPECT_EQ(runner.Metric("capsule_mqtt_timeouts_total"), 1);
}

TEST_F(MqttRunnerTest, MessageOverMaxPayloadIsRejectedWithoutCallingTheModule) {
  ASSERT_TRUE(client_->Subscribe("out"));
  ASSERT_TRUE(client_->Subscribe("marks"));
  MqttRunner runner(Args("msg_current", "in", {"--reply-topic=out", "--workers=1", "--max-payload=1KiB"}),
                    {"MARKS=marks"});
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();

  const std::string big = "mark:" + std::string(2000, 'x');
  Message rejected = Ask("in", big, "out", 1);
  EXPECT_EQ(rejected.data, "message of 2005 bytes is larger than --max-payload (1024 bytes)");
  EXPECT_EQ(HeaderValue(rejected, "Capsule-Error"), rejected.data);
  // One worker handles the messages in order: once the next one's mark is there, the big one's would be too.
  EXPECT_EQ(Ask("in", "mark:small", "out", 2).data, "marked small");
  EXPECT_EQ(Payloads(client_->WaitFor("marks", 1)), std::vector<std::string>{"small"});
  EXPECT_EQ(runner.Metric("capsule_mqtt_messages_total{result=\"rejected\"}"), 1);
}

// --- MQTT 5 request/response ---

TEST_F(MqttRunnerTest, ReplyGoesToTheResponseTopicWithTheCorrelationData) {
  ASSERT_TRUE(client_->Subscribe("responses/#"));
  ASSERT_TRUE(client_->Subscribe("out"));
  MqttRunner runner(Args("msg_current", "in", {"--reply-topic=out"}));
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();

  host::MqttPublishProperties request;
  request.response_topic = "responses/1";
  request.correlation_data = std::string("id-\x00\x01\xff", 6);
  ASSERT_TRUE(client_->Publish("in", "ping", 1, request));
  auto replies = client_->WaitFor("responses/1", 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].data, "echo:ping");
  EXPECT_EQ(replies[0].correlation_data, request.correlation_data);

  request.response_topic = "responses/2";
  request.correlation_data = "second";
  ASSERT_TRUE(client_->Publish("in", "fail", 1, request));
  replies = client_->WaitFor("responses/2", 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].data, "you asked me to fail");
  EXPECT_EQ(HeaderValue(replies[0], "Capsule-Error"), "you asked me to fail");
  EXPECT_EQ(replies[0].correlation_data, "second");
  // The response topic wins over --reply-topic.
  EXPECT_TRUE(client_->Received("out").empty());
}

// --- QoS ---

class MqttQosTest : public MqttRunnerTest, public ::testing::WithParamInterface<int> {};

TEST_P(MqttQosTest, SubscriptionAndRepliesAtThatQos) {
  const int qos = GetParam();
  ASSERT_TRUE(client_->Subscribe("out", 2));
  MqttRunner runner(Args("msg_envelope", "in", {"--reply-topic=out", "--qos=" + std::to_string(qos)}));
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();
  EXPECT_TRUE(Contains(runner.Stdout(), "(QoS " + std::to_string(qos) + ")"));

  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(client_->Publish("in", "m" + std::to_string(i), 2));
    auto replies = client_->WaitFor("out", static_cast<size_t>(i));
    ASSERT_EQ(replies.size(), static_cast<size_t>(i)) << runner.Stderr();
    const Message& reply = replies.back();
    EXPECT_EQ(reply.qos, qos);  // the runner replies at --qos
    auto envelope = nlohmann::json::parse(reply.data);
    EXPECT_EQ(envelope["QoS"], qos);  // delivered at the subscription's QoS (the publish was QoS 2)
    EXPECT_EQ(envelope["Data"], "m" + std::to_string(i));
  }
}

INSTANTIATE_TEST_SUITE_P(Qos, MqttQosTest, ::testing::Values(0, 1, 2));

// A burst at QoS 2: mosquitto 2.0 then sends more unfinished QoS 2 messages than a small MQTT 5 Receive Maximum
// allows (libmosquitto's default is 20), which libmosquitto takes for a protocol error.
TEST_F(MqttRunnerTest, QosTwoBurstIsHandledWithoutLosingTheConnection) {
  MqttRunner runner(Args("msg_current", "in", {"--qos=2", "--workers=2"}));
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();
  ASSERT_TRUE(client_->PublishBurst("in", "burst", 2, 3000));
  EXPECT_TRUE(WaitUntil([&] { return runner.Metric("capsule_mqtt_messages_total{result=\"ok\"}") == 3000; }, 20s))
      << runner.Stderr();
  EXPECT_EQ(runner.Metric("capsule_mqtt_broker_disconnects_total"), 0) << runner.Stderr();
}

// --- Sessions and client ids ---

// MQTT 5 keeps a session only with a session expiry interval; 3.1.1 with the clean-session flag unset.
class MqttSessionTest : public MqttRunnerTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(MqttSessionTest, PersistentSessionHandlesWhatArrivedWhileTheRunnerWasDown) {
  ASSERT_TRUE(client_->Subscribe("marks"));
  const std::string id = "persistent-" + std::to_string(::getpid());
  const std::vector<std::string> args = Args("msg_current", "jobs",
                                             {"--clean-session=false", "--clientId=" + id, "--qos=1", "--workers=2",
                                              std::string("--mqtt-version=") + GetParam()});
  {
    MqttRunner first(args, {"MARKS=marks"});
    ASSERT_TRUE(first.Ready()) << first.Stderr();
    first.Signal(SIGTERM);
    ASSERT_EQ(first.Wait(), 0) << first.Stderr();
  }
  std::set<std::string> expected;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(client_->Publish("jobs", "mark:" + std::to_string(i), 1));
    expected.insert(std::to_string(i));
  }
  MqttRunner second(args, {"MARKS=marks"});
  ASSERT_TRUE(second.Ready()) << second.Stderr();
  auto marks = client_->WaitFor("marks", expected.size());
  std::vector<std::string> got = Payloads(marks);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), expected) << second.Stderr();
  EXPECT_EQ(got.size(), expected.size());
}

// The session is the broker's: it survives the broker's restart too, and the reconnected runner keeps it (in MQTT 5
// only if the reconnection asks for it to outlive the connection again).
TEST_P(MqttSessionTest, PersistentSessionOutlivesABrokerRestart) {
  const std::string id = "persistent-restart-" + std::to_string(::getpid());
  const std::vector<std::string> args =
      Args("msg_current", "jobs",
           {"--clean-session=false", "--clientId=" + id, "--qos=1", std::string("--mqtt-version=") + GetParam()});
  {
    MqttRunner first(args, {"MARKS=marks"});
    ASSERT_TRUE(first.Ready()) << first.Stderr();
    broker_.Terminate();  // SIGTERM: mosquitto saves its sessions
    ASSERT_TRUE(broker_.Start());
    ASSERT_TRUE(first.WaitForStderr("reconnected to", 20s)) << first.Stderr();
    first.Signal(SIGTERM);
    ASSERT_EQ(first.Wait(), 0) << first.Stderr();
  }
  MqttTestClient client(broker_.url());
  ASSERT_TRUE(client.ok()) << client.error();
  ASSERT_TRUE(client.Subscribe("marks"));
  std::set<std::string> expected;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(client.Publish("jobs", "mark:" + std::to_string(i), 1));
    expected.insert(std::to_string(i));
  }
  MqttRunner second(args, {"MARKS=marks"});
  ASSERT_TRUE(second.Ready()) << second.Stderr();
  std::vector<std::string> got = Payloads(client.WaitFor("marks", expected.size()));
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), expected) << second.Stderr();
}

INSTANTIATE_TEST_SUITE_P(MqttVersion, MqttSessionTest, ::testing::Values("5", "3"));

// A module connecting with the runner's own client ids (the subscriber's, the publisher's) gets connections of
// their own: the broker would otherwise drop the runner's.
TEST_F(MqttRunnerTest, ModuleConnectionsNamingTheRunnersClientIdsDoNotDropIt) {
  ASSERT_TRUE(client_->Subscribe("legacy/results"));
  ASSERT_TRUE(client_->Subscribe("side"));
  MqttRunner runner(Args("mqtt_legacy", "legacy/in", {"--clientId=shared", "--workers=1"}));
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();

  const std::string address = broker_.address();
  EXPECT_EQ(Ask("legacy/in", "connect-publish|" + address + "|shared|side|one", "legacy/results", 1).data,
            "[OK](side:one)");
  EXPECT_EQ(Ask("legacy/in", "connect-publish|" + address + "|shared-pub|side|two", "legacy/results", 2).data,
            "[OK](side:two)");
  EXPECT_EQ(Payloads(client_->WaitFor("side", 2)), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(Ask("legacy/in", "still here", "legacy/results", 3).data, "legacy:still here");
  EXPECT_EQ(runner.Metric("capsule_mqtt_broker_disconnects_total"), 0);
  EXPECT_FALSE(Contains(runner.Stderr(), "disconnected")) << runner.Stderr();
}

// --- The legacy ABI (capsulemodule v0.3.x) ---

TEST_F(MqttRunnerTest, LegacyHostFunctionsAnswerAsCapsuleDid) {
  ASSERT_TRUE(client_->Subscribe("legacy/results"));
  ASSERT_TRUE(client_->Subscribe("legacy/side"));
  ASSERT_TRUE(client_->Subscribe("legacy/errors"));
  const int dead_port = FreeLoopbackPort();
  const std::string address = broker_.address();
  // Capsule's host:port form of --mqttsrv, as hostMqttGetServer reports it.
  std::vector<std::string> args =
      Args("mqtt_legacy", "legacy/in",
           {"--clientId=legacy-id", "--workers=1", "--allow-publish=legacy/#", "--reply-topic=legacy/errors"});
  args[1] = "--mqttsrv=" + address;
  MqttRunner runner(args);
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();
  EXPECT_TRUE(Contains(runner.Stdout(), "OnLoad called"));

  size_t n = 0;
  auto ask = [&](const std::string& command) { return Ask("legacy/in", command, "legacy/results", ++n).data; };
  EXPECT_EQ(ask("info"), "topic=legacy/in server=" + address + " clientId=legacy-id");
  EXPECT_EQ(ask("publish|legacy/side|data one"), "[OK](legacy/side:data one)");
  EXPECT_EQ(ask("publish|other/side|x"), "[ERR][0]:publishing to other/side is not allowed (--allow-publish)");
  EXPECT_EQ(ask("connect-publish|" + address + "|cp|legacy/side|data two"), "[OK](legacy/side:data two)");
  EXPECT_EQ(ask("connect-publish|127.0.0.1:" + std::to_string(dead_port) + "|cp|legacy/side|x"),
            "[ERR][0]:cannot connect to MQTT broker 127.0.0.1:" + std::to_string(dead_port) + ": Connection refused");
  EXPECT_EQ(ask("anything"), "legacy:anything");
  EXPECT_EQ(Payloads(client_->WaitFor("legacy/side", 2)), (std::vector<std::string>{"data one", "data two"}));

  // A legacy answer is never a reply; a trap is (to --reply-topic), and the runner keeps serving.
  ASSERT_TRUE(client_->Publish("legacy/in", "trap"));
  auto errors = client_->WaitFor("legacy/errors", 1);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].data.rfind("trap: unreachable", 0), 0u) << errors[0].data;
  EXPECT_EQ(ask("after"), "legacy:after");
  EXPECT_EQ(client_->Received("legacy/errors").size(), 1u);

  runner.Signal(SIGTERM);
  EXPECT_EQ(runner.Wait(), 0);
  EXPECT_TRUE(Contains(runner.Stdout(), "OnExit called")) << runner.Stdout();
}

// --- The envelope (callHandleMessage) ---

TEST_F(MqttRunnerTest, EnvelopeCarriesTopicQosUserPropertiesAndData) {
  ASSERT_TRUE(client_->Subscribe("out"));
  ASSERT_TRUE(client_->Publish("sensors/hall", "kept", 1, {}, true));  // retained: delivered on subscription
  MqttRunner runner(Args("msg_envelope", "sensors/+", {"--reply-topic=out", "--qos=2", "--workers=1"}));
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();
  auto retained = client_->WaitFor("out", 1);
  ASSERT_EQ(retained.size(), 1u) << runner.Stderr();
  auto kept = nlohmann::json::parse(retained[0].data);
  EXPECT_EQ(kept["Subject"], "sensors/hall");
  EXPECT_EQ(kept["Data"], "kept");
  EXPECT_EQ(kept["Retain"], true);

  host::MqttPublishProperties properties;
  properties.user_properties = {{"Kind", "first"}, {"Kind", "second"}, {"Unit", "°C"}};
  const std::string data("21.5 \xff\x01", 7);
  ASSERT_TRUE(client_->Publish("sensors/kitchen", data, 1, properties));
  auto replies = client_->WaitFor("out", 2);
  ASSERT_EQ(replies.size(), 2u) << runner.Stderr();
  auto envelope = nlohmann::json::parse(replies[1].data);
  EXPECT_EQ(envelope["Protocol"], "mqtt");
  EXPECT_EQ(envelope["Subject"], "sensors/kitchen");
  EXPECT_EQ(envelope["Reply"], "out");
  EXPECT_EQ(envelope["QoS"], 1);
  EXPECT_EQ(envelope["Retain"], false);
  EXPECT_EQ(envelope["Headers"], nlohmann::json::parse(R"({"Kind":["first","second"],"Unit":["°C"]})"));
  EXPECT_EQ(envelope["Data"], "21.5 \xef\xbf\xbd\x01");  // the byte that is not UTF-8 becomes U+FFFD
  EXPECT_EQ(envelope["DataBase64"], "MjEuNSD/AQ==");
}

// --- The broker going away ---

TEST_F(MqttRunnerTest, BrokerRestartReconnectsResubscribesAndKeepsServing) {
  ASSERT_TRUE(client_->Subscribe("marks"));
  MqttRunner runner(Args("msg_current", "in", {"--workers=2", "--drain-timeout=5s"}), {"MARKS=marks"});
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(client_->Publish("in", "mark:before-" + std::to_string(i), 0));
  broker_.Stop();  // SIGKILL, mid-load
  ASSERT_TRUE(WaitUntil([&] { return runner.Metric("capsule_mqtt_broker_connected") == 0; }, 10s));
  EXPECT_EQ(HttpRequest(runner.MetricsPort(), "GET", "/health").status, 503);
  ASSERT_TRUE(broker_.Start());

  ASSERT_TRUE(runner.WaitForStderr("reconnected to " + broker_.url(), 20s)) << runner.Stderr();
  EXPECT_TRUE(Contains(runner.Stderr(), "disconnected from " + broker_.url())) << runner.Stderr();
  EXPECT_EQ(runner.Metric("capsule_mqtt_broker_reconnects_total"), 1);
  EXPECT_EQ(runner.Metric("capsule_mqtt_broker_connected"), 1);
  EXPECT_EQ(HttpRequest(runner.MetricsPort(), "GET", "/health").status, 200);

  MqttTestClient after(broker_.url());
  ASSERT_TRUE(after.ok()) << after.error();
  ASSERT_TRUE(after.Subscribe("marks"));
  std::set<std::string> expected;
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(after.Publish("in", "mark:after-" + std::to_string(i), 1));
    expected.insert("after-" + std::to_string(i));
  }
  // Marks of the messages received before the restart may come too, once the runner's publisher is back.
  auto after_marks = [&] {
    std::set<std::string> got;
    for (const std::string& mark : Payloads(after.Received("marks")))
      if (mark.rfind("after-", 0) == 0) got.insert(mark);
    return got;
  };
  WaitUntil([&] { return after_marks() == expected; }, 10s);
  EXPECT_EQ(after_marks(), expected) << runner.Stderr();

  runner.Signal(SIGTERM);
  EXPECT_EQ(runner.Wait(10s), 0);
  EXPECT_FALSE(Contains(runner.Stderr(), "still in flight")) << runner.Stderr();
  EXPECT_FALSE(Contains(runner.Stderr(), "unacknowledged")) << runner.Stderr();
  EXPECT_TRUE(Contains(runner.Stdout(), "capsule-mqtt: stopped"));
}

// --- Bad input ---

TEST_F(MqttRunnerTest, DeadBrokerAtStartIsAClearErrorAndExitOne) {
  const int dead = FreeLoopbackPort();
  auto r = RunProcess({MqttBinaryPath(), "--wasm=" + GuestPath("msg_current"),
                       "--mqttsrv=tcp://127.0.0.1:" + std::to_string(dead), "--topic=in"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "capsule-mqtt: error: cannot connect to MQTT broker 127.0.0.1:" + std::to_string(dead) +
                                  ": Connection refused"))
      << r.err;
}

TEST_F(MqttRunnerTest, BadFlagsExitTwoWithAMessage) {
  const std::string wasm = "--wasm=" + GuestPath("msg_current"), srv = "--mqttsrv=" + broker_.url();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{wasm, srv}, "no topic given"},
      {{wasm, srv, "--topic=t", "--qos=3"}, "--qos must be 0, 1 or 2"},
      {{wasm, srv, "--topic=t", "--clean-session=false"}, "a persistent session (--clean-session=false) needs"},
      {{wasm, "--mqttsrv=http://127.0.0.1:1", "--topic=t"}, "unsupported MQTT URL scheme \"http\""},
      {{wasm, srv, "--topic=t", "--mqtt-version=4"}, "--mqtt-version must be 5 or 3"},
      {{wasm, srv, "--topic=t", "--keepalive=1"}, "--keepalive must be 5 to 65535 seconds"},
      {{wasm, srv, "--topic=t", "--no-such-flag"}, "no-such-flag"},
      {{srv, "--topic=t"}, "no module given"},
      {{wasm, srv, "--topic=t", "--mode=nats"}, "--mode=nats is served by capsule-nats"},
      {{wasm, srv, "--topic=a/#/b"}, "--topic: invalid MQTT topic filter \"a/#/b\""},
      {{wasm, srv, "--topic=t", "--reply-topic=out/+"}, "--reply-topic: invalid MQTT topic \"out/+\""},
  };
  for (const auto& [flags, message] : cases) {
    std::vector<std::string> argv = {MqttBinaryPath()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    auto r = RunProcess(argv);
    EXPECT_EQ(r.exit_code, 2) << message << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, message)) << r.err;
  }
  // Files that cannot be read: exit 1, naming them.
  auto missing = RunProcess({MqttBinaryPath(), "--wasm=/no/such.wasm", srv, "--topic=t"});
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_TRUE(Contains(missing.err, "capsule-mqtt: error: ")) << missing.err;
  EXPECT_TRUE(Contains(missing.err, "/no/such.wasm")) << missing.err;
  auto no_ca = RunProcess({MqttBinaryPath(), wasm, srv, "--topic=t", "--mqtt-ca=/no/such/ca.pem"});
  EXPECT_EQ(no_ca.exit_code, 1) << no_ca.err;
  EXPECT_TRUE(Contains(no_ca.err, "capsule-mqtt: error: cannot read the TLS file /no/such/ca.pem")) << no_ca.err;
}

TEST_F(MqttRunnerTest, HelpDescribesTheFlags) {
  auto r = RunProcess({MqttBinaryPath(), "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* part : {"capsule-mqtt --wasm=FILE --mqttsrv=", "--topic", "--clientId", "--qos", "--clean-session",
                           "--reply-topic", "--max-payload", "--metrics-port", "<clientId>-pub"})
    EXPECT_TRUE(Contains(r.out + r.err, part)) << part;
}

// --- Shutdown ---

TEST_F(MqttRunnerTest, SigtermFinishesTheMessagesInFlightThenStopsTheInstance) {
  ASSERT_TRUE(client_->Subscribe("out"));
  MqttRunner runner(Args("msg_current", "in", {"--reply-topic=out", "--workers=1"}));
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();
  // Three slow messages (300 ms each) for one worker: the first in flight, two received and waiting.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client_->Publish("in", "slow"));
  ASSERT_TRUE(WaitUntil([&] { return runner.Metric("capsule_mqtt_in_flight_messages") == 1; }, 10s));
  runner.Signal(SIGTERM);
  EXPECT_EQ(Payloads(client_->WaitFor("out", 3)), (std::vector<std::string>{"slept", "slept", "slept"}));
  EXPECT_EQ(runner.Wait(), 0) << runner.Stderr();
  const std::string out = runner.Stdout();
  EXPECT_TRUE(Contains(out, "capsule-mqtt: stopping (SIGTERM): draining")) << out;
  EXPECT_TRUE(Contains(out, "OnStop called")) << out;
  EXPECT_LT(out.find("draining"), out.find("OnStop called")) << out;
  EXPECT_TRUE(Contains(out, "capsule-mqtt: stopped")) << out;
}

// A guest that never returns (no --timeout) and a full queue: the subscriber's network thread waits for room in the
// queue, yet SIGTERM must still close it and end the drain after --drain-timeout.
TEST_F(MqttRunnerTest, SigtermWithAStuckGuestAndAFullQueueEndsAfterTheDrainTimeout) {
  MqttRunner runner(Args("msg_current", "in", {"--workers=1", "--qos=0", "--drain-timeout=300ms"}));
  ASSERT_TRUE(runner.Ready()) << runner.Stderr();
  for (int i = 0; i < 1200; ++i) ASSERT_TRUE(client_->Publish("in", "loop", 0));
  ASSERT_TRUE(WaitUntil([&] { return runner.Metric("capsule_mqtt_in_flight_messages") == 1; }, 10s));
  // The queue (1,024 messages) is full once the runner leaves what follows unread.
  EXPECT_TRUE(WaitUntil([&] { return UnreadBytesFrom(broker_.port()) >= 200; }, 10s));
  runner.Signal(SIGTERM);
  EXPECT_EQ(runner.Wait(10s), 0) << runner.Stderr();
  EXPECT_TRUE(Contains(runner.Stderr(), "still in flight after --drain-timeout")) << runner.Stderr();
}

}  // namespace
}  // namespace capsule::testing
