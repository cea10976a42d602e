// End-to-end tests of `capsule-http --faas`: the real front, real capsule-http children, on loopback.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "http_client.h"
#include "process.h"
#include "wait.h"

namespace capsule::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kToken[] = "test-token-42";
const std::string kTokenHeader = std::string("CAPSULE_FAAS_TOKEN: ") + kToken;
constexpr char kHello[] = R"({"name":"Bob Morane","age":42})";
constexpr char kHelloReply[] = R"({"message":"Bob Morane 42","things":{"emoji":"🐯"}})";

std::string StartBody(const std::string& name, const std::string& revision, const std::string& wasm,
                      const std::string& extra = "") {
  return R"({"name":")" + name + R"(","revision":")" + revision + R"(","description":"a test","path":"",)" +
         R"("args":["","--wasm=)" + wasm + R"("])" + extra + "}";
}

bool Alive(int pid) {
  return pid > 0 && kill(pid, 0) == 0 && fs::exists("/proc/" + std::to_string(pid));
}

class FaasFront : public ::testing::Test {
 protected:
  void SetUp() override {
    front_ = std::make_unique<HttpServerProcess>(
        std::vector<std::string>{"--faas", "--host=127.0.0.1", "--functions-dir=" + std::string(CAPSULE_GUEST_DIR),
                                 "--proxy-timeout=5s"},
        std::vector<std::string>{std::string("CAPSULE_FAAS_TOKEN=") + kToken});
    ASSERT_GT(front_->port(), 0) << front_->Stderr();
    // --faas is a boolean: it must not swallow the next flag (an earlier version made it listen on 0.0.0.0)
    ASSERT_NE(front_->Stdout().find("faas front listening on http://127.0.0.1:"), std::string::npos)
        << front_->Stdout();
  }
  HttpResponse Admin(const std::string& method, const std::string& target, const std::string& body = "") {
    return HttpRequest(front_->port(), method, target, body, {kTokenHeader, "Content-Type: application/json"});
  }
  json Processes() {
    auto r = Admin("GET", "/functions/processes");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  std::unique_ptr<HttpServerProcess> front_;
};

TEST(FaasFrontStart, RefusesToRunWithoutAToken) {
  RunOptions options;
  options.env = {"CAPSULE_FAAS_TOKEN="};
  auto r = RunProcess({HttpBinaryPath(), "--faas", "--host=127.0.0.1", "--httpPort="}, options);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--faas needs the environment variable CAPSULE_FAAS_TOKEN"), std::string::npos) << r.err;
  options.env = {std::string("CAPSULE_FAAS_TOKEN=") + kToken};
  r = RunProcess({HttpBinaryPath(), "--faas", "--host=127.0.0.1", "--httpPort=", "--crt=a.pem", "--key=b.pem"},
                 options);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--faas does not serve HTTPS"), std::string::npos) << r.err;
  r = RunProcess({HttpBinaryPath(), "--faas", "--host=127.0.0.1", "--httpPort=", "--replicas=0"}, options);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--replicas must be a number from 1 to 64"), std::string::npos) << r.err;
}

TEST_F(FaasFront, AdminRoutesNeedTheToken) {
  for (const auto& headers : std::vector<std::vector<std::string>>{{}, {"CAPSULE_FAAS_TOKEN: wrong"}}) {
    EXPECT_EQ(HttpRequest(front_->port(), "GET", "/functions/processes", "", headers).status, 401);
    EXPECT_EQ(
        HttpRequest(front_->port(), "POST", "/functions/start", StartBody("x", "default", "hello-world.wasm"), headers)
            .status,
        401);
    EXPECT_EQ(HttpRequest(front_->port(), "DELETE", "/functions/drop/x", "", headers).status, 401);
  }
  EXPECT_TRUE(Processes().empty());
  auto r = HttpRequest(front_->port(), "GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(HttpRequest(front_->port(), "GET", "/health").body, R"({"status":"ok"})");
}

TEST_F(FaasFront, StartCallListDrop) {
  auto started = Admin("POST", "/functions/start", StartBody("hello", "default", "hello-world.wasm"));
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.body, "hello/default/0");
  auto call = HttpRequest(front_->port(), "POST", "/functions/hello", kHello);
  EXPECT_EQ(call.status, 200) << call.body;
  EXPECT_EQ(call.body, kHelloReply);
  call = HttpRequest(front_->port(), "POST", "/functions/hello/default", kHello);
  EXPECT_EQ(call.body, kHelloReply);

  json listing = Processes();
  ASSERT_TRUE(listing.contains("hello/default/0")) << listing.dump();
  const json& p = listing["hello/default/0"];
  EXPECT_EQ(p["functionName"], "hello");
  EXPECT_EQ(p["statusDescription"], "Started");
  EXPECT_EQ(p["description"], "a test");
  const int pid = p["pid"].get<int>();
  EXPECT_TRUE(Alive(pid));

  EXPECT_EQ(Admin("POST", "/functions/start", StartBody("hello", "default", "hello-world.wasm")).status, 409);
  auto dropped = Admin("DELETE", "/functions/drop/hello");
  EXPECT_EQ(dropped.status, 200) << dropped.body;
  EXPECT_EQ(dropped.body, "hello/default");
  EXPECT_TRUE(WaitUntil([&] { return !Alive(pid); }, std::chrono::seconds(5)));
  EXPECT_EQ(HttpRequest(front_->port(), "POST", "/functions/hello", kHello).status, 404);
  EXPECT_EQ(Admin("DELETE", "/functions/drop/hello").status, 404);
  EXPECT_TRUE(Processes().empty());
  auto metrics = HttpRequest(front_->port(), "GET", "/capsule/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(R"(capsule_faas_requests_total{function="hello",revision="default",code="200"} 2)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(R"(capsule_faas_request_duration_seconds_count{function="hello",revision="default"} 2)"),
            std::string::npos)
      << metrics.body;
}

TEST_F(FaasFront, HeadKeepsTheLengthOfTheGet) {
  ASSERT_EQ(Admin("POST", "/functions/start", StartBody("hello", "default", "hello-world.wasm")).status, 200);
  auto get = HttpRequest(front_->port(), "GET", "/functions/hello");
  ASSERT_EQ(get.status, 200);
  HttpConnection connection(front_->port());
  ASSERT_TRUE(connection.SendRaw("HEAD /functions/hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = connection.ReadResponse(std::chrono::seconds(10), /*head=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], std::to_string(get.body.size()));
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(connection.Request("GET", "/functions/hello").body, get.body);  // no stray body read as a response
}

TEST_F(FaasFront, SubPathsQueriesAndHeadersReachTheChild) {
  ASSERT_EQ(Admin("POST", "/functions/start", StartBody("echo", "v1", "http_test.wasm")).status, 200);
  auto r = HttpRequest(front_->port(), "PUT", "/functions/echo/v1/echo/a/b?x=1&y=two", "the body",
                       {"My-Token: 123", "Connection: keep-alive, X-Drop-Me", "X-Drop-Me: 1"});
  ASSERT_EQ(r.status, 200) << r.body;
  json echo = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(echo.is_object()) << r.body;
  EXPECT_EQ(echo["method"], "PUT");
  EXPECT_NE(echo["uri"].get<std::string>().find("/echo/a/b?x=1&y=two"), std::string::npos) << r.body;
  EXPECT_EQ(echo["body"], "the body");
  const std::string headers = echo["headers"].dump();
  EXPECT_NE(headers.find("123"), std::string::npos) << headers;
  EXPECT_NE(headers.find("127.0.0.1"), std::string::npos) << "X-Forwarded-For: " << headers;
  EXPECT_EQ(headers.find("X-Drop-Me"), std::string::npos) << "named in Connection: hop-by-hop " << headers;
}

TEST_F(FaasFront, StartsAreChecked) {
  EXPECT_EQ(Admin("POST", "/functions/start", "{nope").status, 400);
  EXPECT_EQ(Admin("POST", "/functions/start", R"({"name":"a/b"})").status, 400);
  auto r = Admin("POST", "/functions/start", R"({"name":"sh","path":"/bin/sh","args":["","--wasm=hello-world.wasm"]})");
  EXPECT_EQ(r.status, 403) << r.body;
  r = Admin("POST", "/functions/start", StartBody("out", "default", "../../../../etc/passwd"));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("outside --functions-dir"), std::string::npos) << r.body;
  r = Admin("POST", "/functions/start",
            R"({"name":"dl","args":["","--url=http://127.0.0.1:1/x.wasm","--wasm=x.wasm"]})");
  EXPECT_EQ(r.status, 403) << r.body;
  r = Admin("POST", "/functions/start", R"({"name":"p","args":["","--wasm=hello-world.wasm","--httpPort=1"]})");
  EXPECT_EQ(r.status, 400) << r.body;
  // a module that is not wasm: the child exits at start, the error says why, nothing keeps running
  const std::string bad = std::string(CAPSULE_GUEST_DIR) + "/not-a-module.txt";
  { std::ofstream(bad) << "not wasm"; }
  r = Admin("POST", "/functions/start", StartBody("bad", "default", "not-a-module.txt"));
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_NE(r.body.find("not a WebAssembly module"), std::string::npos) << r.body;
  EXPECT_TRUE(Processes().empty());
  fs::remove(bad);
}

TEST_F(FaasFront, DuplicateServesANewRevision) {
  ASSERT_EQ(Admin("POST", "/functions/start", StartBody("hello", "blue", "hello-world.wasm")).status, 200);
  auto r = Admin("PUT", "/functions/duplicate/hello/blue/green");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(HttpRequest(front_->port(), "POST", "/functions/hello/green", kHello).body, kHelloReply);
  json listing = Processes();
  EXPECT_TRUE(listing.contains("hello/blue/0"));
  EXPECT_TRUE(listing.contains("hello/green/0"));
  EXPECT_NE(listing["hello/blue/0"]["pid"], listing["hello/green/0"]["pid"]);  // a process of its own
  EXPECT_EQ(Admin("PUT", "/functions/duplicate/hello/nope/x").status, 404);
}

// Blue/green: the default revision's calls move from blue to green in one step while a client keeps calling; no
// call fails, and blue is then dropped gracefully.
TEST_F(FaasFront, BlueGreenSwitchUnderLoadFailsNoCall) {
  ASSERT_EQ(Admin("POST", "/functions/start", StartBody("hello", "blue", "hello-world.wasm")).status, 200);
  ASSERT_EQ(Admin("POST", "/functions/start", StartBody("hello", "green", "http_test.wasm")).status, 200);
  ASSERT_EQ(Admin("PUT", "/functions/route/hello/blue").status, 200);
  EXPECT_EQ(HttpRequest(front_->port(), "POST", "/functions/hello", kHello).body, kHelloReply);
  std::atomic<bool> stop{false};
  std::atomic<int> blue{0}, green{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&] {
      HttpConnection connection(front_->port());
      while (!stop) {
        auto r = connection.Request("POST", "/functions/hello", kHello);
        if (r.status != 200) {
          ++failed;
          continue;
        }
        if (r.body == kHelloReply)
          ++blue;
        else if (r.body == R"({"hello":"world"})")
          ++green;
        else
          ++failed;
      }
    });
  EXPECT_TRUE(WaitUntil([&] { return blue > 200; }, std::chrono::seconds(10)));
  ASSERT_EQ(Admin("PUT", "/functions/route/hello/green").status, 200);
  const int blue_at_switch = blue;
  EXPECT_TRUE(WaitUntil([&] { return green > 200; }, std::chrono::seconds(10)));
  EXPECT_EQ(Admin("DELETE", "/functions/drop/hello/green").status, 409);  // the route's target stays
  EXPECT_EQ(Admin("DELETE", "/functions/drop/hello/blue").status, 200);
  const int green_after_drop = green;
  EXPECT_TRUE(WaitUntil([&] { return green > green_after_drop + 100; }, std::chrono::seconds(10)));
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed, 0);
  EXPECT_LE(blue - blue_at_switch, 4) << "at most the calls in flight at the switch end on blue";
  EXPECT_EQ(Admin("DELETE", "/functions/route/hello").status, 200);
  EXPECT_EQ(HttpRequest(front_->port(), "POST", "/functions/hello", kHello).status, 404);  // no revision "default"
}

// A functions file at start (--config), then applied again with changes (POST /functions/apply).
TEST(FaasFrontConfig, AFunctionsFileAtStartAndApplied) {
  const std::string dir = MakeTempDir();
  const std::string file = dir + "/functions.yaml";
  std::ofstream(file) << "functions:\n"
                         "  - name: hello\n    revision: blue\n    replicas: 2\n"
                         "    args: [--wasm=hello-world.wasm]\n"
                         "  - name: echo\n    args: [--wasm=http_test.wasm]\n"
                         "routes:\n  hello: blue\n";
  HttpServerProcess front(
      {"--faas", "--host=127.0.0.1", "--functions-dir=" + std::string(CAPSULE_GUEST_DIR), "--config=" + file},
      {std::string("CAPSULE_FAAS_TOKEN=") + kToken});
  ASSERT_GT(front.port(), 0) << front.Stderr();
  auto admin = [&](const std::string& method, const std::string& target, const std::string& body = "") {
    return HttpRequest(front.port(), method, target, body, {kTokenHeader});
  };
  json listing = json::parse(admin("GET", "/functions/processes").body);
  EXPECT_TRUE(listing.contains("hello/blue/0") && listing.contains("hello/blue/1") &&
              listing.contains("echo/default/0"))
      << listing.dump();
  EXPECT_EQ(HttpRequest(front.port(), "POST", "/functions/hello", kHello).body, kHelloReply);
  const int blue_pid = listing["hello/blue/0"]["pid"].get<int>();

  auto r = admin("POST", "/functions/apply",
                 "functions:\n"
                 "  - {name: hello, revision: blue, replicas: 2, args: [--wasm=hello-world.wasm]}\n"
                 "  - {name: hello, revision: green, args: [--wasm=http_test.wasm]}\n"
                 "routes: {hello: green}\n");
  ASSERT_EQ(r.status, 200) << r.body;
  json report = json::parse(r.body);
  EXPECT_EQ(report["unchanged"], json::array({"hello/blue"})) << r.body;
  EXPECT_EQ(report["started"], json::array({"hello/green"})) << r.body;
  EXPECT_EQ(report["stopped"], json::array({"echo/default"})) << r.body;
  EXPECT_EQ(report["routes"]["hello"], "green");
  EXPECT_EQ(HttpRequest(front.port(), "POST", "/functions/hello", kHello).body, R"({"hello":"world"})");
  EXPECT_EQ(HttpRequest(front.port(), "POST", "/functions/echo", kHello).status, 404);
  listing = json::parse(admin("GET", "/functions/processes").body);
  EXPECT_EQ(listing["hello/blue/0"]["pid"], blue_pid);  // unchanged: not restarted

  r = admin("POST", "/functions/apply", "functions: [{name: x, args: [--wasm=../../etc/passwd]}]");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("x/default: "), std::string::npos) << r.body;
  EXPECT_TRUE(json::parse(admin("GET", "/functions/processes").body).contains("hello/green/0"));  // nothing changed
  EXPECT_EQ(admin("POST", "/functions/apply", "functions: [{name: x, nope: 1}]").status, 400);
  fs::remove_all(dir);
}

// --allow-exec: a start may name another capsule-http (here a copy of ours) as its "path"; nothing else.
TEST(FaasFrontConfig, AllowExecRunsAnotherCapsuleHttp) {
  const std::string dir = MakeTempDir();
  const std::string other = dir + "/capsule-http-other";
  fs::copy_file(HttpBinaryPath(), other);
  fs::permissions(other, fs::perms::owner_all);
  HttpServerProcess front(
      {"--faas", "--host=127.0.0.1", "--functions-dir=" + std::string(CAPSULE_GUEST_DIR), "--allow-exec=" + other},
      {std::string("CAPSULE_FAAS_TOKEN=") + kToken});
  ASSERT_GT(front.port(), 0) << front.Stderr();
  auto start = [&](const std::string& path) {
    return HttpRequest(front.port(), "POST", "/functions/start",
                       R"({"name":"hello","path":")" + path + R"(","args":["","--wasm=hello-world.wasm"]})",
                       {kTokenHeader});
  };
  EXPECT_EQ(start("/bin/sh").status, 403);
  auto r = start(other);
  ASSERT_EQ(r.status, 200) << r.body;
  json p =
      json::parse(HttpRequest(front.port(), "GET", "/functions/processes", "", {kTokenHeader}).body)["hello/default/0"];
  EXPECT_EQ(p["path"], fs::canonical(other).string());
  EXPECT_EQ(fs::read_symlink("/proc/" + std::to_string(p["pid"].get<int>()) + "/exe"), fs::canonical(other));
  EXPECT_EQ(HttpRequest(front.port(), "POST", "/functions/hello", kHello).body, kHelloReply);
  front.Signal(SIGTERM);
  EXPECT_EQ(front.Wait(), 0);
  fs::remove_all(dir);
}

TEST(FaasFrontConfig, ABadFunctionsFileStopsTheStart) {
  const std::string dir = MakeTempDir();
  std::ofstream(dir + "/f.yaml") << "functions: [{name: a, args: [--wasm=missing.wasm]}]\n";
  RunOptions options;
  options.env = {std::string("CAPSULE_FAAS_TOKEN=") + kToken};
  auto r = RunProcess({HttpBinaryPath(), "--faas", "--host=127.0.0.1", "--httpPort=", "--config=" + dir + "/f.yaml",
                       "--functions-dir=" + dir},
                      options);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("f.yaml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("a/default"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST_F(FaasFront, AKilledChildIsRestarted) {
  ASSERT_EQ(Admin("POST", "/functions/start", StartBody("hello", "default", "hello-world.wasm")).status, 200);
  const int pid = Processes()["hello/default/0"]["pid"].get<int>();
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  EXPECT_TRUE(WaitUntil(
      [&] {
        json p = Processes()["hello/default/0"];
        return p["statusDescription"] == "Started" && p["pid"].get<int>() != pid;
      },
      std::chrono::seconds(15)));
  EXPECT_EQ(Processes()["hello/default/0"]["restarts"], 1);
  auto metrics = HttpRequest(front_->port(), "GET", "/capsule/metrics").body;
  EXPECT_NE(metrics.find(R"(capsule_faas_restarts_total{function="hello",revision="default"} 1)"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(capsule_faas_replicas{function="hello",revision="default",state="up"} 1)"),
            std::string::npos)
      << metrics;
  EXPECT_EQ(HttpRequest(front_->port(), "POST", "/functions/hello", kHello).body, kHelloReply);
}

TEST_F(FaasFront, IndexPageServesTheOtherPathsAndSigtermStopsEveryChild) {
  ASSERT_EQ(Admin("POST", "/functions/start", StartBody("index.page", "default", "http_test.wasm")).status, 200);
  auto r = HttpRequest(front_->port(), "GET", "/echo/x?q=1");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("/echo/x?q=1"), std::string::npos) << r.body;
  const int pid = Processes()["index.page/default/0"]["pid"].get<int>();
  front_->Signal(SIGTERM);
  EXPECT_EQ(front_->Wait(), 0) << front_->Stderr();
  EXPECT_TRUE(WaitUntil([&] { return !Alive(pid); }, std::chrono::seconds(5)));
}

// The peak resident memory of process pid, in KiB (VmHWM), or -1.
long PeakRssKiB(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// Bodies above 1 MiB, and chunked ones, are relayed as they arrive, both ways: the front's memory does not grow by a
// body's size, the bytes arrive unchanged, and the connection serves the next request.
TEST(FaasFrontStreaming, LargeAndChunkedBodiesPassWithoutBeingHeld) {
  HttpServerProcess front({"--faas", "--host=127.0.0.1", "--functions-dir=" + std::string(CAPSULE_GUEST_DIR),
                           "--max-body=64MiB", "--proxy-timeout=100s"},
                          {std::string("CAPSULE_FAAS_TOKEN=") + kToken});
  ASSERT_GT(front.port(), 0) << front.Stderr();
  auto started = HttpRequest(
      front.port(), "POST", "/functions/start",
      StartBody("echo", "default", "http_test.wasm", "")
          .replace(StartBody("echo", "default", "http_test.wasm", "").find(R"("])"), 2, R"(","--max-body=64MiB"])"),
      {kTokenHeader});
  ASSERT_EQ(started.status, 200) << started.body;
  std::string body(24 << 20, 'x');
  for (size_t i = 0; i < body.size(); i += 4096) body[i] = static_cast<char>('a' + (i / 4096) % 26);
  HttpConnection connection(front.port());
  const long before = PeakRssKiB(front.pid());
  // The child echoes 24 MiB through its module: seconds here, tens of seconds in the sanitizer build.
  constexpr auto kSlow = std::chrono::seconds(100);
  ASSERT_TRUE(connection.SendRaw("POST /functions/echo/default/echo HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                                 std::to_string(body.size()) + "\r\n\r\n" + body));
  auto r = connection.ReadResponse(kSlow);
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 200);
  json echo = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(echo.is_object()) << r.body.substr(0, 200);
  EXPECT_TRUE(echo["body"] == body) << "the body arrived changed";

  std::string chunked = "POST /functions/echo/default/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string sent;
  for (int i = 0; i < 8; ++i) {
    const std::string chunk((1 << 20) + i, static_cast<char>('A' + i));
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    chunked += size + chunk + "\r\n";
    sent += chunk;
  }
  chunked += "0\r\n\r\n";
  ASSERT_TRUE(connection.SendRaw(chunked));
  auto c = connection.ReadResponse(kSlow);
  ASSERT_EQ(c.status, 200) << c.body.substr(0, 200);
  echo = json::parse(c.body, nullptr, false);
  ASSERT_TRUE(echo.is_object()) << c.body.substr(0, 200);
  EXPECT_TRUE(echo["body"] == sent) << "the chunked body arrived changed";
  const long after = PeakRssKiB(front.pid());
  EXPECT_LT(after - before, 12 * 1024) << "the front's peak memory grew by " << after - before
                                       << " KiB: it held a body of 24 MiB";
  EXPECT_EQ(connection.Request("POST", "/functions/echo/default/echo", "small").status, 200);  // kept alive

  // A small request whose answer is large (every '"' is escaped in the echo: 1.4 MiB): the response is streamed.
  const std::string quotes(700 << 10, '"');
  auto q = connection.Request("POST", "/functions/echo/default/echo", quotes);
  ASSERT_EQ(q.status, 200) << q.body.substr(0, 200);
  EXPECT_GT(q.body.size(), size_t{1} << 20);
  echo = json::parse(q.body, nullptr, false);
  ASSERT_TRUE(echo.is_object()) << q.body.substr(0, 200);
  EXPECT_TRUE(echo["body"] == quotes) << "the streamed response arrived changed";
  EXPECT_EQ(connection.Request("POST", "/functions/echo/default/echo", "small").status, 200);  // kept alive

  // A child that refuses a streamed body (past its own --max-body, 8 MiB) is heard: its 413 reaches the client.
  ASSERT_EQ(HttpRequest(front.port(), "POST", "/functions/start", StartBody("strict", "default", "http_test.wasm"),
                        {kTokenHeader})
                .status,
            200);
  EXPECT_EQ(HttpRequest(front.port(), "POST", "/functions/strict/default/echo", std::string(9 << 20, 'z')).status, 413);

  // Too large for --max-body: 413 from the header alone.
  HttpConnection other(front.port());
  ASSERT_TRUE(other.SendRaw("POST /functions/echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(65 << 20) +
                            "\r\n\r\n"));
  EXPECT_EQ(other.ReadResponse().status, 413);
}

// A client that stops sending a streamed body gets 504 after --proxy-timeout, not a connection held for ever.
TEST(FaasFrontStreaming, AClientThatStopsSendingItsBodyGets504) {
  HttpServerProcess front(
      {"--faas", "--host=127.0.0.1", "--functions-dir=" + std::string(CAPSULE_GUEST_DIR), "--proxy-timeout=1s"},
      {std::string("CAPSULE_FAAS_TOKEN=") + kToken});
  ASSERT_GT(front.port(), 0) << front.Stderr();
  ASSERT_EQ(HttpRequest(front.port(), "POST", "/functions/start", StartBody("echo", "default", "http_test.wasm"),
                        {kTokenHeader})
                .status,
            200);
  HttpConnection stalled(front.port());
  ASSERT_TRUE(stalled.SendRaw("POST /functions/echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(5 << 20) +
                              "\r\n\r\n" + std::string(100, 's')));
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(stalled.ReadResponse(std::chrono::seconds(10)).status, 504);
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
  EXPECT_EQ(HttpRequest(front.port(), "POST", "/functions/echo", "still serving").status, 200);
}

}  // namespace
}  // namespace capsule::testing
