// The FaaS front's scale-out over NATS end to end: a real nats-server, the real front (capsule-http --faas
// --natssrv) and real capsule-nats --faas-function workers on loopback. Calls reach the workers with their path,
// query, headers and body; two workers share the calls; a worker stopped with SIGTERM mid-load loses no call; a
// SIGKILLed one fails only the calls it had taken (504), and a revision without workers answers 503 at once.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "host/nats_client.h"
#include "http_client.h"
#include "message_runners.h"
#include "nats_server.h"
#include "process.h"
#include "wait.h"

namespace capsule::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kToken[] = "nats-test-token";
const std::string kTokenHeader = std::string("CAPSULE_FAAS_TOKEN: ") + kToken;

class FaasOverNats : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveNatsServer()) GTEST_SKIP() << "nats-server is not installed (scripts/setup.sh installs it)";
    ASSERT_TRUE(server_.Start());
    front_ = std::make_unique<HttpServerProcess>(
        std::vector<std::string>{"--faas", "--host=127.0.0.1", "--natssrv=" + server_.url(), "--proxy-timeout=2s"},
        std::vector<std::string>{std::string("CAPSULE_FAAS_TOKEN=") + kToken});
    ASSERT_GT(front_->port(), 0) << front_->Stderr();
  }
  HttpResponse Admin(const std::string& method, const std::string& target, const std::string& body = "") {
    return HttpRequest(front_->port(), method, target, body, {kTokenHeader, "Content-Type: application/json"});
  }
  // A capsule-nats worker of function/revision running http_test.wasm.
  std::unique_ptr<NatsRunner> Worker(const std::string& function, std::vector<std::string> extra = {}) {
    extra.push_back("--faas-function=" + function);
    auto w = std::make_unique<NatsRunner>(server_, "http_test", std::move(extra));
    EXPECT_TRUE(w->ready()) << w->Stderr();
    return w;
  }
  double Served(const NatsRunner& w) { return w.Metric("capsule_nats_messages_total{result=\"ok\"}"); }

  NatsServer server_;
  std::unique_ptr<HttpServerProcess> front_;
};

TEST_F(FaasOverNats, CallsReachTheWorkerWithPathQueryHeadersAndBody) {
  ASSERT_EQ(Admin("POST", "/functions/start", R"({"name":"echo","revision":"v1","via":"nats"})").status, 200);
  auto worker = Worker("echo/v1");
  auto r = HttpRequest(
      front_->port(), "PUT", "/functions/echo/v1/echo/a/b?x=1&y=two", std::string("bo\0dy", 5),
      {"My-Token: 123", "Capsule-Http-Target: /forged", "Connection: keep-alive, X-Drop-Me", "X-Drop-Me: 1"});
  ASSERT_EQ(r.status, 200) << r.body;
  json echo = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(echo.is_object()) << r.body;
  EXPECT_EQ(echo["method"], "PUT");
  EXPECT_NE(echo["uri"].get<std::string>().find("/echo/a/b?x=1&y=two"), std::string::npos) << r.body;
  EXPECT_EQ(echo["body"].get<std::string>().size(), 5u) << r.body;
  const std::string headers = echo["headers"].dump();
  EXPECT_NE(headers.find("123"), std::string::npos) << headers;
  EXPECT_NE(headers.find("127.0.0.1"), std::string::npos) << "X-Forwarded-For: " << headers;
  EXPECT_EQ(headers.find("X-Drop-Me"), std::string::npos) << "hop-by-hop " << headers;
  EXPECT_EQ(headers.find("forged"), std::string::npos) << "the envelope's headers cannot be forged " << headers;

  auto text = HttpRequest(front_->port(), "GET", "/functions/echo/v1/text");  // 201, a custom header
  EXPECT_EQ(text.status, 201) << text.body;
  EXPECT_EQ(text.headers["x-test"], "yes") << text.body;
  EXPECT_EQ(HttpRequest(front_->port(), "GET", "/functions/echo/v1/fail").status, 500);
  EXPECT_EQ(HttpRequest(front_->port(), "GET", "/functions/echo/v1/trap").status, 500);
  EXPECT_EQ(HttpRequest(front_->port(), "GET", "/functions/echo/v1").status, 200);  // {"hello":"world"}

  json listing = json::parse(Admin("GET", "/functions/processes").body, nullptr, false);
  ASSERT_TRUE(listing.contains("echo/v1/0")) << listing.dump();
  EXPECT_EQ(listing["echo/v1/0"]["via"], "nats");
  EXPECT_EQ(listing["echo/v1/0"]["subject"], "capsule.faas.echo.v1");
  EXPECT_EQ(listing["echo/v1/0"]["statusDescription"], "Started");
  auto metrics = HttpRequest(front_->port(), "GET", "/capsule/metrics").body;
  EXPECT_TRUE(Contains(metrics, R"(capsule_faas_requests_total{function="echo",revision="v1",code="201"} 1)"))
      << metrics;

  // HEAD: the length a GET would have, no body.
  auto get = HttpRequest(front_->port(), "GET", "/functions/echo/v1");
  HttpConnection connection(front_->port());
  ASSERT_TRUE(connection.SendRaw("HEAD /functions/echo/v1 HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = connection.ReadResponse(std::chrono::seconds(10), /*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], std::to_string(get.body.size()));
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(connection.Request("GET", "/functions/echo/v1").body, get.body);

  // Over NATS a body is one message: larger than the server's max_payload (1 MiB by default) is a clear 413.
  auto big = HttpRequest(front_->port(), "POST", "/functions/echo/v1/echo", std::string(2 << 20, 'b'));
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_TRUE(Contains(big.body, "max_payload")) << big.body;

  EXPECT_EQ(Admin("DELETE", "/functions/drop/echo/v1").status, 200);
  EXPECT_EQ(HttpRequest(front_->port(), "GET", "/functions/echo/v1").status, 404);
}

TEST_F(FaasOverNats, NoWorkerIsAFast503AndStartsAreChecked) {
  ASSERT_EQ(Admin("POST", "/functions/start", R"({"name":"ghost","via":"nats"})").status, 200);
  const auto before = std::chrono::steady_clock::now();
  auto r = HttpRequest(front_->port(), "GET", "/functions/ghost");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_TRUE(Contains(r.body, "no worker serves capsule.faas.ghost.default")) << r.body;
  EXPECT_LT(std::chrono::steady_clock::now() - before, milliseconds(1000)) << "not the 2 s --proxy-timeout";
  EXPECT_EQ(Admin("POST", "/functions/start", R"({"name":"ghost","via":"nats"})").status, 409);
  auto bad = Admin("POST", "/functions/start", R"({"name":"x","via":"nats","args":["--wasm=a.wasm"]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Contains(bad.body, "--faas-function=x/default")) << bad.body;
  // A duplicate of a NATS revision is served on the new revision's own subject.
  EXPECT_EQ(Admin("PUT", "/functions/duplicate/ghost/default/v2").status, 200);
  auto worker = Worker("ghost/v2");
  EXPECT_EQ(HttpRequest(front_->port(), "GET", "/functions/ghost/v2").status, 200);
  EXPECT_EQ(Admin("PUT", "/functions/route/ghost/v2").status, 200);
  EXPECT_EQ(HttpRequest(front_->port(), "GET", "/functions/ghost").status, 200);

  // capsctl starts one too, and lists it.
  RunOptions options;
  options.env = {"CAPSULE_MAIN_PROCESS_URL=http://127.0.0.1:" + std::to_string(front_->port()),
                 std::string("CAPSULE_FAAS_TOKEN=") + kToken};
  auto ctl = RunProcess({BinaryPath("capsctl"), "--cmd=start", "--name=viactl", "--via=nats"}, options);
  EXPECT_EQ(ctl.exit_code, 0) << ctl.err;
  ctl = RunProcess({BinaryPath("capsctl"), "--cmd=processes"}, options);
  EXPECT_EQ(ctl.exit_code, 0) << ctl.err;
  EXPECT_TRUE(Contains(ctl.out, "viactl")) << ctl.out;
}

TEST(FaasOverNatsFront, ARevisionViaNatsNeedsANatsConnection) {
  HttpServerProcess front({"--faas", "--host=127.0.0.1"}, {std::string("CAPSULE_FAAS_TOKEN=") + kToken});
  ASSERT_GT(front.port(), 0) << front.Stderr();
  auto r = HttpRequest(front.port(), "POST", "/functions/start", R"({"name":"a","via":"nats"})", {kTokenHeader});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(Contains(r.body, "--natssrv")) << r.body;
}

TEST(FaasOverNatsFront, ADeadNatsServerStopsTheStartWithAClearError) {
  RunOptions options;
  options.env = {std::string("CAPSULE_FAAS_TOKEN=") + kToken};
  // Port 1: nobody listens there.
  auto r = RunProcess({HttpBinaryPath(), "--faas", "--host=127.0.0.1", "--httpPort=", "--natssrv=nats://127.0.0.1:1"},
                      options);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "cannot connect to NATS at nats://127.0.0.1:1")) << r.err;
}

// Clients calling /nap (100 ms asleep in the worker each) in a loop, counting the answers by status.
class Load {
 public:
  Load(int port, int clients) {
    for (int c = 0; c < clients; ++c)
      threads_.emplace_back([this, port] {
        HttpConnection connection(port);
        while (!stop_) {
          auto r = connection.Request("GET", "/functions/work/default/nap");
          std::lock_guard lock(mutex_);
          ++statuses_[r.status];
        }
      });
  }
  ~Load() { Stop(); }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  int Count(int status) {
    std::lock_guard lock(mutex_);
    return statuses_[status];
  }
  std::map<int, int> Statuses() {
    std::lock_guard lock(mutex_);
    return statuses_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::map<int, int> statuses_;
  std::vector<std::thread> threads_;
};

std::string Describe(const std::map<int, int>& statuses) {
  std::string text;
  for (auto [status, n] : statuses) text += std::to_string(status) + ": " + std::to_string(n) + "  ";
  return text;
}

TEST_F(FaasOverNats, WorkersShareTheCallsAGracefulStopLosesNoneAKillFailsOnlyItsOwn) {
  ASSERT_EQ(Admin("POST", "/functions/start", R"({"name":"work","via":"nats"})").status, 200);
  auto a = Worker("work", {"--workers=2"});
  auto b = Worker("work", {"--workers=2"});
  constexpr int kClients = 6;
  Load load(front_->port(), kClients);
  // Both workers serve.
  ASSERT_TRUE(WaitUntil([&] { return Served(*a) >= 5 && Served(*b) >= 5; }, seconds(20)))
      << Served(*a) << " " << Served(*b) << " " << Describe(load.Statuses());
  EXPECT_EQ(load.Statuses().size(), 1u) << Describe(load.Statuses());

  // A graceful stop mid-load: a drains what it had taken, b serves the rest; no call fails.
  a->Signal(SIGTERM);
  EXPECT_EQ(a->Wait(seconds(20)), 0) << a->Stderr();
  const int after_stop = load.Count(200);
  ASSERT_TRUE(WaitUntil([&] { return load.Count(200) >= after_stop + 10; }, seconds(20)));
  EXPECT_EQ(load.Statuses().size(), 1u) << "every call succeeded through the stop: " << Describe(load.Statuses());

  // Adding a machine is starting one more worker; then b is killed mid-load: only the calls b had taken fail (504,
  // after --proxy-timeout), c serves every other.
  auto c = Worker("work", {"--workers=2"});
  ASSERT_TRUE(WaitUntil([&] { return Served(*c) >= 3; }, seconds(20))) << Describe(load.Statuses());
  const double b_served = Served(*b);
  EXPECT_GT(b_served, 0);
  b->Signal(SIGKILL);
  b->Wait(seconds(10));
  const int ok_at_kill = load.Count(200);
  ASSERT_TRUE(WaitUntil([&] { return load.Count(200) >= ok_at_kill + 20; }, seconds(30))) << Describe(load.Statuses());
  load.Stop();
  const auto statuses = load.Statuses();
  int failed = 0;
  for (auto [status, n] : statuses)
    if (status != 200) {
      EXPECT_EQ(status, 504) << Describe(statuses);
      failed += n;
    }
  EXPECT_LE(failed, kClients) << "at most one call in flight per client was on b: " << Describe(statuses);
  EXPECT_GT(Served(*c), 3);
}

TEST_F(FaasOverNats, WorkersRefuseBadEnvelopesAndBadFlags) {
  auto worker = Worker("raw");
  host::NatsConnectOptions o;
  o.url = server_.url();
  auto client = host::NatsConnection::Connect(o);
  ASSERT_TRUE(client.ok()) << client.error().message;
  auto reply = (*client)->Request("capsule.faas.raw.default", "not an envelope", seconds(10));
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  const char* status = nullptr;
  ASSERT_EQ(natsMsgHeader_Get(reply->get(), "Capsule-Http-Status", &status), NATS_OK);
  EXPECT_STREQ(status, "400");
  EXPECT_TRUE(Contains(NatsData(reply->get()), "not an HTTP envelope")) << NatsData(reply->get());
  ASSERT_TRUE((*client)->Publish("capsule.faas.raw.default", "no reply subject"));
  EXPECT_TRUE(worker->WaitForStderr("without a reply subject")) << worker->Stderr();
  // The worker still serves.
  EXPECT_TRUE((*client)->Request("capsule.faas.raw.default", "again", seconds(10)).ok());

  for (std::vector<std::string> flags : {std::vector<std::string>{"--faas-function=a b"},
                                         {"--faas-function=a", "--subject=x"},
                                         {"--faas-function=a", "--stream=S", "--durable=D"}}) {
    std::vector<std::string> argv = {NatsBinary(), "--wasm=" + GuestPath("http_test"), "--natssrv=" + server_.url()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    auto r = RunProcess(argv);
    EXPECT_EQ(r.exit_code, 2) << flags.back() << ": " << r.err;
    EXPECT_TRUE(Contains(r.err, "capsule-nats: error: ")) << r.err;
  }
}

}  // namespace
}  // namespace capsule::testing
