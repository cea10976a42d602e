// capsule-nats end to end, against a real nats-server with JetStream: both ABIs and every legacy host function,
// queue groups across processes, JetStream at-least-once through a SIGKILL, dead letters, broker restarts, bad input,
// limits and the graceful drain.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "host/nats_client.h"
#include "http_client.h"
#include "message_runners.h"
#include "nats_server.h"
#include "process.h"
#include "runner_process.h"

namespace capsule::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A header's first value, or "" (and *found false).
std::string Header(natsMsg* msg, const char* name, bool* found = nullptr) {
  const char* value = nullptr;
  const bool ok = natsMsgHeader_Get(msg, name, &value) == NATS_OK;
  if (found) *found = ok;
  return ok && value ? value : "";
}

class NatsRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveNatsServer()) GTEST_SKIP() << "nats-server is not installed (scripts/setup.sh installs it)";
    ASSERT_TRUE(server_.Start());
    client_ = Connect();
  }
  std::unique_ptr<host::NatsConnection> Connect() {
    host::NatsConnectOptions o;
    o.url = server_.url();
    o.name = "test";
    auto c = host::NatsConnection::Connect(o);
    EXPECT_TRUE(c.ok()) << (c ? "" : c.error().message);
    return c ? std::move(*c) : nullptr;
  }
  // Sends a request on subject; the reply, or null with the error in *error.
  host::NatsMsgPtr Ask(const std::string& subject, const std::string& data, std::string* error = nullptr,
                       const MessageHeaders& headers = {}) {
    auto reply = client_->Request(subject, data, seconds(10), headers);
    if (!reply) {
      if (error) *error = reply.error().message;
      return nullptr;
    }
    return std::move(*reply);
  }
  // A synchronous subscription of the test's own.
  natsSubscription* Subscribe(const std::string& subject) {
    natsSubscription* sub = nullptr;
    EXPECT_EQ(natsConnection_SubscribeSync(&sub, client_->raw(), subject.c_str()), NATS_OK);
    natsSubscription_SetPendingLimits(sub, -1, -1);
    EXPECT_TRUE(client_->Flush(seconds(5)));
    subs_.push_back(sub);
    return sub;
  }
  // The next message of sub within timeout, or null.
  static host::NatsMsgPtr Next(natsSubscription* sub, milliseconds timeout = seconds(10)) {
    natsMsg* msg = nullptr;
    if (natsSubscription_NextMsg(&msg, sub, timeout.count()) != NATS_OK) return nullptr;
    return host::NatsMsgPtr(msg);
  }
  // A responder of the test's own: answers the next request on subject with "pong:<its data>".
  std::thread RespondOnce(const std::string& subject) {
    natsSubscription* sub = Subscribe(subject);
    return std::thread([this, sub] {
      if (auto request = Next(sub))
        (void)client_->Publish(natsMsg_GetReply(request.get()), "pong:" + NatsData(request.get()));
    });
  }
  void TearDown() override {
    for (auto* sub : subs_) natsSubscription_Destroy(sub);
    subs_.clear();
    client_.reset();
  }

  NatsServer server_;
  std::unique_ptr<host::NatsConnection> client_;
  std::vector<natsSubscription*> subs_;
};

TEST_F(NatsRunnerTest, CurrentAbiAnswersAreReplies) {
  NatsRunner runner(server_, "msg_current", {"--subject=greet", "--workers=2"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();
  auto echo = Ask("greet", "hello");
  ASSERT_TRUE(echo);
  EXPECT_EQ(NatsData(echo.get()), "echo:hello");
  bool found = true;
  Header(echo.get(), "Capsule-Error", &found);
  EXPECT_FALSE(found);

  auto failed = Ask("greet", "fail");
  ASSERT_TRUE(failed);
  EXPECT_EQ(NatsData(failed.get()), "you asked me to fail");
  EXPECT_EQ(Header(failed.get(), "Capsule-Error"), "you asked me to fail");

  auto trapped = Ask("greet", "trap");
  ASSERT_TRUE(trapped);
  EXPECT_EQ(NatsData(trapped.get()).rfind("trap: unreachable", 0), 0u) << NatsData(trapped.get());
  EXPECT_FALSE(Header(trapped.get(), "Capsule-Error").empty());

  auto garbage = Ask("greet", "garbage");
  ASSERT_TRUE(garbage);
  EXPECT_NE(NatsData(garbage.get()).find("bad result from callHandle"), std::string::npos) << NatsData(garbage.get());

  auto again = Ask("greet", "still there?");  // the trapped instance was replaced
  ASSERT_TRUE(again);
  EXPECT_EQ(NatsData(again.get()), "echo:still there?");
  EXPECT_EQ(runner.Metric("capsule_nats_messages_total{result=\"ok\"}"), 2);
  EXPECT_EQ(runner.Metric("capsule_nats_messages_total{result=\"failed\"}"), 1);
  EXPECT_EQ(runner.Metric("capsule_nats_messages_total{result=\"trapped\"}"), 2);
  EXPECT_EQ(runner.Metric("capsule_nats_traps_total"), 2);
}

TEST_F(NatsRunnerTest, TimeoutAndMaxPayload) {
  NatsRunner runner(server_, "msg_current", {"--subject=greet", "--workers=1", "--timeout=300ms", "--max-payload=100"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();
  auto looped = Ask("greet", "loop");
  ASSERT_TRUE(looped);
  EXPECT_NE(NatsData(looped.get()).find("--timeout=300ms"), std::string::npos) << NatsData(looped.get());
  EXPECT_FALSE(Header(looped.get(), "Capsule-Error").empty());
  auto big = Ask("greet", std::string(200, 'x'));
  ASSERT_TRUE(big);
  EXPECT_NE(NatsData(big.get()).find("larger than --max-payload (100 bytes)"), std::string::npos)
      << NatsData(big.get());
  auto echo = Ask("greet", "after");
  ASSERT_TRUE(echo);
  EXPECT_EQ(NatsData(echo.get()), "echo:after");
  EXPECT_EQ(runner.Metric("capsule_nats_messages_total{result=\"timeout\"}"), 1);
  EXPECT_EQ(runner.Metric("capsule_nats_messages_total{result=\"rejected\"}"), 1);
}

TEST_F(NatsRunnerTest, EnvelopeCarriesSubjectReplyAndHeaders) {
  NatsRunner runner(server_, "msg_envelope", {"--subject=orders.*", "--workers=1"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();
  auto reply = Ask("orders.new", "a<b", nullptr, {{"Trace", "t1"}, {"Trace", "t2"}});
  ASSERT_TRUE(reply);
  const std::string envelope = NatsData(reply.get());
  EXPECT_NE(envelope.find(R"("Protocol":"nats","Subject":"orders.new","Reply":"_INBOX.)"), std::string::npos)
      << envelope;
  EXPECT_NE(envelope.find(R"("Headers":{"Trace":["t1","t2"]})"), std::string::npos) << envelope;
  EXPECT_NE(envelope.find(R"("Data":"a\u003cb","DataBase64":"YTxi")"), std::string::npos) << envelope;

  auto failed = Ask("orders.x", "fail");
  ASSERT_TRUE(failed);
  EXPECT_EQ(Header(failed.get(), "Capsule-Error"), "the envelope asked me to fail");

  // A module that replied itself (hostNatsReply) gets no second reply from the runner.
  natsSubscription* inbox = Subscribe("my.inbox");
  ASSERT_TRUE(client_->Publish("orders.x", "reply-myself", {}, "my.inbox"));
  auto first = Next(inbox);
  ASSERT_TRUE(first);
  EXPECT_EQ(NatsData(first.get()), "replied myself");
  EXPECT_FALSE(Next(inbox, milliseconds(500)));
}

TEST_F(NatsRunnerTest, LegacyModuleAndEveryLegacyHostFunction) {
  NatsRunner runner(server_, "nats_legacy", {"-subject=legacy.in", "--workers=1"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();
  auto info = Ask("legacy.in", "info");
  ASSERT_TRUE(info);
  EXPECT_EQ(NatsData(info.get()), "subject=legacy.in server=" + server_.url());

  natsSubscription* out = Subscribe("legacy.out");
  auto published = Ask("legacy.in", "publish|legacy.out|hi");
  ASSERT_TRUE(published);
  EXPECT_EQ(NatsData(published.get()), "[OK](legacy.out:hi)");
  auto seen = Next(out);
  ASSERT_TRUE(seen);
  EXPECT_EQ(NatsData(seen.get()), "hi");

  auto connect_published = Ask("legacy.in", "connect-publish|" + server_.url() + "|legacy.out|yo");
  ASSERT_TRUE(connect_published);
  EXPECT_EQ(NatsData(connect_published.get()), "[OK](legacy.out:yo)");
  seen = Next(out);
  ASSERT_TRUE(seen);
  EXPECT_EQ(NatsData(seen.get()), "yo");

  // A responder of the test's own answers hostNatsConnectRequest.
  std::thread responder = RespondOnce("svc");
  auto requested = Ask("legacy.in", "connect-request|" + server_.url() + "|svc|ping");
  responder.join();
  ASSERT_TRUE(requested);
  EXPECT_EQ(NatsData(requested.get()), "pong:ping");
  auto nobody = Ask("legacy.in", "connect-request|" + server_.url() + "|nobody|ping");
  ASSERT_TRUE(nobody);
  EXPECT_EQ(NatsData(nobody.get()), "[ERR][0]:no responders on nobody");

  // Without a reply subject, hostNatsReply answers Go's error.
  natsSubscription* results = Subscribe("legacy.results");
  ASSERT_TRUE(client_->Publish("legacy.in", "no-reply"));
  auto result = Next(results);
  ASSERT_TRUE(result);
  EXPECT_EQ(NatsData(result.get()), "[ERR][0]:nats: message does not have a reply");

  auto other = Ask("legacy.in", "anything");
  ASSERT_TRUE(other);
  EXPECT_EQ(NatsData(other.get()), "legacy:anything");

  runner.Signal(SIGTERM);
  EXPECT_EQ(runner.Wait(), 0) << runner.Stderr();
  EXPECT_NE(runner.Stdout().find("OnLoad called"), std::string::npos);
  EXPECT_NE(runner.Stdout().find("OnExit called"), std::string::npos);
}

TEST_F(NatsRunnerTest, RequestAndPublishFromTheCurrentAbi) {
  NatsRunner runner(
      server_, "msg_current",
      {"--subject=greet", "--workers=2", "--allow-publish=ok.>", "--allow-publish=nobody", "--allow-publish=greet.*"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();
  auto nobody = Ask("greet", "request:nobody");
  ASSERT_TRUE(nobody);
  EXPECT_EQ(NatsData(nobody.get()), "no responders on nobody");
  natsSubscription* ok = Subscribe("ok.a");
  auto allowed = Ask("greet", "publish:ok.a");
  ASSERT_TRUE(allowed);
  EXPECT_EQ(NatsData(allowed.get()), "ok:ok.a");
  auto seen = Next(ok);
  ASSERT_TRUE(seen);
  EXPECT_EQ(NatsData(seen.get()), "hello");
  auto refused = Ask("greet", "publish:no.a");
  ASSERT_TRUE(refused);
  EXPECT_EQ(NatsData(refused.get()), "failed:publishing to no.a is not allowed (--allow-publish)");
  // hostNatsRequest answered by a responder of the test's own.
  std::thread responder = RespondOnce("greet.svc");
  auto answered = Ask("greet", "request:greet.svc");
  responder.join();
  ASSERT_TRUE(answered);
  EXPECT_EQ(NatsData(answered.get()), "pong:ping");
}

TEST_F(NatsRunnerTest, QueueGroupsShareTheLoadBetweenProcesses) {
  NatsRunner a(server_, "msg_current", {"--subject=work", "--queue=workers", "--workers=1"});
  NatsRunner b(server_, "msg_current", {"--subject=work", "--queue=workers", "--workers=1"});
  ASSERT_TRUE(a.ready()) << a.Stderr();
  ASSERT_TRUE(b.ready()) << b.Stderr();
  for (int i = 0; i < 200; ++i) {
    auto reply = Ask("work", "n" + std::to_string(i));
    ASSERT_TRUE(reply) << i;
    EXPECT_EQ(NatsData(reply.get()), "echo:n" + std::to_string(i));
  }
  const double by_a = a.Metric("capsule_nats_messages_total{result=\"ok\"}");
  const double by_b = b.Metric("capsule_nats_messages_total{result=\"ok\"}");
  EXPECT_EQ(by_a + by_b, 200);
  EXPECT_GT(by_a, 20);
  EXPECT_GT(by_b, 20);
}

TEST_F(NatsRunnerTest, WithoutAQueueEveryProcessGetsEveryMessage) {
  natsSubscription* marks = Subscribe("marks");
  NatsRunner a(server_, "msg_current", {"--subject=fanout", "--workers=2"});
  NatsRunner b(server_, "msg_current", {"--subject=fanout", "--workers=2"});
  ASSERT_TRUE(a.ready()) << a.Stderr();
  ASSERT_TRUE(b.ready()) << b.Stderr();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(client_->Publish("fanout", "mark:" + std::to_string(i)));
  std::multiset<std::string> seen;
  while (seen.size() < 40)
    if (auto m = Next(marks))
      seen.insert(NatsData(m.get()));
    else
      break;
  EXPECT_EQ(seen.size(), 40u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(seen.count(std::to_string(i)), 2u) << i;
}

TEST_F(NatsRunnerTest, WarmInstancesKeepStateFreshOnesDoNot) {
  {
    NatsRunner warm(server_, "msg_current", {"--subject=count", "--workers=1"});
    ASSERT_TRUE(warm.ready()) << warm.Stderr();
    for (const char* expected : {"1", "2", "3"}) {
      auto r = Ask("count", "count");
      ASSERT_TRUE(r);
      EXPECT_EQ(NatsData(r.get()), expected);
    }
  }
  NatsRunner fresh(server_, "msg_current", {"--subject=count", "--workers=1", "--fresh-instance"});
  ASSERT_TRUE(fresh.ready()) << fresh.Stderr();
  for (int i = 0; i < 3; ++i) {
    auto r = Ask("count", "count");
    ASSERT_TRUE(r);
    EXPECT_EQ(NatsData(r.get()), "1");
  }
}

TEST_F(NatsRunnerTest, SurvivesABrokerRestart) {
  NatsRunner runner(server_, "msg_current", {"--subject=greet", "--workers=2"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();
  ASSERT_TRUE(Ask("greet", "before"));
  EXPECT_EQ(HttpRequest(runner.metrics_port(), "GET", "/health").status, 200);
  // Load all along: a publisher of its own (it reconnects too) sends messages until the end.
  std::atomic<bool> loading{true};
  std::thread load([&] {
    auto publisher = Connect();
    for (int i = 0; loading && publisher; ++i) {
      (void)publisher->Publish("greet", "load " + std::to_string(i));
      std::this_thread::sleep_for(milliseconds(2));
    }
  });
  ASSERT_TRUE(WaitUntil([&] { return runner.Metric("capsule_nats_messages_total{result=\"ok\"}") > 20; }));
  server_.Stop();
  EXPECT_TRUE(WaitUntil([&] { return HttpRequest(runner.metrics_port(), "GET", "/health").status == 503; }));
  EXPECT_TRUE(runner.WaitForStderr("disconnected from " + server_.url()));
  ASSERT_TRUE(server_.Start());
  EXPECT_TRUE(runner.WaitForStderr("reconnected to " + server_.url()));
  EXPECT_TRUE(WaitUntil([&] { return HttpRequest(runner.metrics_port(), "GET", "/health").status == 200; }));
  client_ = Connect();
  ASSERT_TRUE(client_);
  auto after = Ask("greet", "after");
  ASSERT_TRUE(after);
  EXPECT_EQ(NatsData(after.get()), "echo:after");
  EXPECT_GE(runner.Metric("capsule_nats_broker_reconnects_total"), 1);
  EXPECT_GE(runner.Metric("capsule_nats_broker_disconnects_total"), 1);
  // Both workers still take messages: the load goes on being handled, and nothing trapped.
  const double handled = runner.Metric("capsule_nats_messages_total{result=\"ok\"}");
  EXPECT_TRUE(WaitUntil([&] { return runner.Metric("capsule_nats_messages_total{result=\"ok\"}") > handled + 50; }));
  loading = false;
  load.join();
  EXPECT_EQ(runner.Metric("capsule_nats_traps_total"), 0);
}

TEST_F(NatsRunnerTest, SigtermFinishesTheMessageInFlight) {
  NatsRunner runner(server_, "msg_current", {"--subject=greet", "--workers=1"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();
  natsSubscription* inbox = Subscribe("slow.inbox");
  ASSERT_TRUE(client_->Publish("greet", "slow", {}, "slow.inbox"));
  ASSERT_TRUE(client_->Flush(seconds(5)));
  std::this_thread::sleep_for(milliseconds(100));  // the message is in the guest (it sleeps 300 ms)
  runner.Signal(SIGTERM);
  auto reply = Next(inbox);
  ASSERT_TRUE(reply);
  EXPECT_EQ(NatsData(reply.get()), "slept");
  EXPECT_EQ(runner.Wait(), 0) << runner.Stderr();
  EXPECT_NE(runner.Stdout().find("draining"), std::string::npos);
  EXPECT_NE(runner.Stdout().find("OnStop called"), std::string::npos);
}

TEST_F(NatsRunnerTest, JetStreamHandlesEveryMessageAtLeastOnceThroughASigkill) {
  natsSubscription* marks = Subscribe("marks");
  // A short --ack-wait: what the killed runner had taken but not acked comes back soon.
  const std::vector<std::string> args = {"--subject=jobs.>", "--stream=JOBS", "--durable=workers",
                                         "--create-stream",  "--workers=2",   "--ack-wait=2s"};
  auto runner = std::make_unique<NatsRunner>(server_, "msg_current", args);
  ASSERT_TRUE(runner->ready()) << runner->Stderr();
  jsCtx* js = nullptr;
  ASSERT_EQ(natsConnection_JetStream(&js, client_->raw(), nullptr), NATS_OK);
  constexpr int kMessages = 10000;
  for (int i = 0; i < kMessages; ++i) {
    const std::string data = "mark:" + std::to_string(i);
    ASSERT_EQ(js_PublishAsync(js, "jobs.new", data.data(), static_cast<int>(data.size()), nullptr), NATS_OK);
  }
  jsPubOptions wait;
  jsPubOptions_Init(&wait);
  wait.MaxWait = 30000;
  ASSERT_EQ(js_PublishAsyncComplete(js, &wait), NATS_OK);
  jsCtx_Destroy(js);

  std::set<std::string> handled;
  size_t marks_seen = 0;
  auto drain_marks = [&](size_t until, milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (handled.size() < until && std::chrono::steady_clock::now() < deadline)
      if (auto m = Next(marks, milliseconds(200))) {
        handled.insert(NatsData(m.get()));
        ++marks_seen;
      }
  };
  drain_marks(kMessages / 2, seconds(60));
  ASSERT_GE(handled.size(), static_cast<size_t>(kMessages / 2));
  runner->Signal(SIGKILL);  // mid-stream: handled but unacked messages come back
  EXPECT_EQ(runner->Wait(), 128 + SIGKILL);
  runner = std::make_unique<NatsRunner>(server_, "msg_current", args);
  ASSERT_TRUE(runner->ready()) << runner->Stderr();
  drain_marks(kMessages, seconds(90));
  EXPECT_EQ(handled.size(), static_cast<size_t>(kMessages));  // every message, at least once
  EXPECT_GE(marks_seen, handled.size());
  for (int i = 0; i < kMessages; i += 997) EXPECT_EQ(handled.count(std::to_string(i)), 1u) << i;
}

TEST_F(NatsRunnerTest, JetStreamNaksThenDeadLetters) {
  natsSubscription* dead = Subscribe("capsule.deadletter.TASKS");
  NatsRunner runner(server_, "msg_current",
                    {"--subject=tasks", "--stream=TASKS", "--durable=t", "--create-stream", "--workers=1",
                     "--max-deliver=3", "--nak-delay=50ms", "--nak-delay-max=100ms"});
  ASSERT_TRUE(runner.ready()) << runner.Stderr();
  jsCtx* js = nullptr;
  ASSERT_EQ(natsConnection_JetStream(&js, client_->raw(), nullptr), NATS_OK);
  jsPubAck* ack = nullptr;
  ASSERT_EQ(js_Publish(&ack, js, "tasks", "fail", 4, nullptr, nullptr), NATS_OK);
  jsPubAck_Destroy(ack);
  ASSERT_EQ(js_Publish(&ack, js, "tasks", "fine", 4, nullptr, nullptr), NATS_OK);
  jsPubAck_Destroy(ack);
  jsCtx_Destroy(js);
  auto letter = Next(dead, seconds(20));
  ASSERT_TRUE(letter);
  EXPECT_EQ(NatsData(letter.get()), "fail");
  EXPECT_EQ(Header(letter.get(), "Capsule-Error"), "you asked me to fail");
  EXPECT_EQ(Header(letter.get(), "Capsule-Deliveries"), "3");
  EXPECT_EQ(Header(letter.get(), "Capsule-Subject"), "tasks");
  EXPECT_EQ(Header(letter.get(), "Capsule-Stream"), "TASKS");
  EXPECT_EQ(Header(letter.get(), "Capsule-Sequence"), "1");
  EXPECT_FALSE(Next(dead, milliseconds(500)));  // only the failing one
  EXPECT_TRUE(WaitUntil([&] { return runner.Metric("capsule_nats_dead_letters_total") == 1; }));
  EXPECT_EQ(runner.Metric("capsule_nats_redeliveries_total"), 2);
  EXPECT_EQ(runner.Metric("capsule_nats_messages_total{result=\"failed\"}"), 3);
  EXPECT_EQ(runner.Metric("capsule_nats_messages_total{result=\"ok\"}"), 1);
}

TEST_F(NatsRunnerTest, ClearErrorsForBadInput) {
  auto run = [](std::vector<std::string> args) {
    args.insert(args.begin(), NatsBinary());
    RunOptions options;
    options.timeout = seconds(20);
    return RunProcess(args, options);
  };
  auto help = run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--subject=SUBJECT"), std::string::npos);
  auto no_subject = run({"--wasm=" + GuestPath("msg_current")});
  EXPECT_EQ(no_subject.exit_code, 2);
  EXPECT_NE(no_subject.err.find("no subject given"), std::string::npos) << no_subject.err;
  auto half_js = run({"--wasm=" + GuestPath("msg_current"), "--subject=s", "--stream=S"});
  EXPECT_EQ(half_js.exit_code, 2);
  EXPECT_NE(half_js.err.find("both --stream and --durable"), std::string::npos) << half_js.err;
  auto dead = run({"--wasm=" + GuestPath("msg_current"), "--subject=s",
                   "--natssrv=nats://127.0.0.1:" + std::to_string(FreeLoopbackPort())});
  EXPECT_EQ(dead.exit_code, 1);
  EXPECT_NE(dead.err.find("cannot connect to NATS at nats://127.0.0.1:"), std::string::npos) << dead.err;
  auto no_handler = run({"--wasm=" + GuestPath("http_legacy"), "--subject=s", "--natssrv=" + server_.url()});
  EXPECT_EQ(no_handler.exit_code, 1);
  EXPECT_NE(no_handler.err.find("exports no NATS message handler"), std::string::npos) << no_handler.err;
  auto no_stream = run({"--wasm=" + GuestPath("msg_current"), "--subject=s", "--natssrv=" + server_.url(),
                        "--stream=MISSING", "--durable=d"});
  EXPECT_EQ(no_stream.exit_code, 1);
  EXPECT_NE(no_stream.err.find("stream MISSING does not exist (add --create-stream)"), std::string::npos)
      << no_stream.err;
}

}  // namespace
}  // namespace capsule::testing
