// Every host function through the Rust and AssemblyScript SDKs (tests/guests/sdk: services.rs and services.ts,
// twins that must answer alike), through `capsule` and capsule-http, against a real redis-server and a local HTTP
// server: the S/F conventions of the C SDK, errors as the host words them.
#include <gtest/gtest.h>

#include <filesystem>

#include "http_client.h"
#include "process.h"
#include "redis_server.h"
#include "sdk_guests.h"
#include "tiny_http_server.h"

namespace capsule::testing {
namespace {

namespace fs = std::filesystem;

class SdkServicesTest : public SdkTest {
 protected:
  // Runs the services guest with --params=params and flags.
  RunResult Call(const std::string& params, std::vector<std::string> flags = {},
                 std::vector<std::string> env = {}) const {
    flags.insert(flags.begin(), {"--wasm=" + GuestPath(GetParam().services), "--params=" + params});
    return Capsule(std::move(flags), std::move(env));
  }
};

TEST_P(SdkServicesTest, PrintLogTalkEnv) {
  struct Case {
    std::string params;
    std::vector<std::string> flags, env;
    std::string out;
  };
  const std::vector<Case> cases = {
      {"print:hello", {}, {}, "hello\nprinted\n"},
      {"talk:hi", {}, {}, "\xF0\x9F\x9F\xA3 message from the WASM module: hi\nHello \xF0\x9F\x98\x80 I'm the host\n"},
      {"env:MESSAGE", {}, {"MESSAGE=h\xC3\xA9llo"}, "h\xC3\xA9llo\n"},
      {"env:SECRET", {"--env-allow=APP_*"}, {"SECRET=s3cr3t"}, "\n"},  // hidden: an empty value
  };
  for (const auto& c : cases) {
    auto r = Call(c.params, c.flags, c.env);
    EXPECT_EQ(r.exit_code, 0) << c.params << ": " << r.err;
    EXPECT_EQ(r.out, c.out) << c.params;
  }
  auto r = Call("log:a line");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find(" : a line\nlogged\n"), std::string::npos) << r.out;
}

// The SDKs' own JSON: parsed and printed again (compact, strings re-escaped), or the parser's error.
TEST_P(SdkServicesTest, JsonParsesAndPrints) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"a":1,"b":[true,false,null],"c":{"d":"e"},"e":[],"f":{}})",
       R"({"a":1,"b":[true,false,null],"c":{"d":"e"},"e":[],"f":{}})"},
      {R"(  {"x" : "y" }  )", R"({"x":"y"})"},
      {R"("q\"uote\\back\/slash\b\f\n\r\t\u0001")", R"("q\"uote\\back/slash\u0008\u000c\n\r\t\u0001")"},
      {R"("\u00e9\ud83d\ude00 caf\u00E9")", "\"\xC3\xA9\xF0\x9F\x98\x80 caf\xC3\xA9\""},
      {"\"plain \xC3\xA9\"", "\"plain \xC3\xA9\""},
      {"[1.5,-0,1e3,-12,0.1]", "[1.5,0,1000,-12,0.1]"},
  };
  for (const auto& [input, printed] : cases) {
    auto r = Call("json:" + input);
    EXPECT_EQ(r.exit_code, 0) << input << ": " << r.err;
    EXPECT_EQ(r.out, printed + "\n") << input;
  }
  for (const std::string bad : {R"({"a":})", R"("abc)", R"("a\x")", "[1,]", R"("\u12")", "\"tab\tin\"", "{} x"}) {
    auto r = Call("json:" + bad);
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_EQ(r.out.rfind("invalid JSON at ", 0), 0u) << bad << ": " << r.out;
  }
}

TEST_P(SdkServicesTest, FilesSuccessAndFailure) {
  auto r = Call("files:./notes.txt=caf\xC3\xA9");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote ./notes.txt; read caf\xC3\xA9\n");
  EXPECT_TRUE(fs::exists(dir_ + "/notes.txt"));
  r = Call("read:./missing.txt");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "open ./missing.txt: no such file or directory\n");
}

TEST_P(SdkServicesTest, MemoryCache) {
  auto r = Call("cache:sdk-key=v\xC3\xA9");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "set sdk-key; get v\xC3\xA9; keys sdk-key; del sdk-key; after error key not found\n");
}

TEST_P(SdkServicesTest, RedisAgainstARealServer) {
  ASSERT_TRUE(HaveRedisServer()) << "redis-server is missing: run scripts/setup.sh";
  RedisServer redis;
  ASSERT_TRUE(redis.Start());
  auto r = Call("redis:sdk-key=value 1", {}, {"REDIS_URI=" + redis.uri()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "set sdk-key; get value 1; keys sdk-key; del sdk-key; after error redis: nil\n");
  r = Call("redis-get:sdk-missing", {}, {"REDIS_URI=" + redis.uri()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "redis: nil\n");
  redis.Stop();
  r = Call("redis-get:sdk-key", {}, {"REDIS_URI=" + redis.uri()});
  EXPECT_EQ(r.exit_code, 1);  // an F answer, never a crash
  EXPECT_NE(r.out, "");
  EXPECT_EQ(r.err.find("trap"), std::string::npos) << r.err;
}

TEST_P(SdkServicesTest, OutboundHttpEscapesAndDecodes) {
  TinyHttpServer server({{"/text", {200, "line \"1\"\nline 2", {"Content-Type: text/plain"}}},
                         {"/json", {201, R"({"ok":true,"n":[1,2]})", {"Content-Type: application/json"}}}});
  const std::string allow = "--allow-host=127.0.0.1:" + std::to_string(server.port());
  auto r = Call("http-get:" + server.url("/text"), {allow});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "200 text/plain line \"1\"\nline 2\n");
  r = Call("http-post:" + server.url("/json"), {allow});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "201 {\"ok\":true,\"n\":[1,2]}\n");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].find("X-Test: a \"quoted\" value\r\n"), std::string::npos) << requests[0];
  EXPECT_NE(requests[1].find("\r\n\r\n{\"name\":\"Bob \\\"B\\\"\\n\",\"age\":42}"), std::string::npos) << requests[1];
  // A refused host is the host's F answer.
  r = Call("http-get:" + server.url("/text"), {"--allow-host=example.com"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "host 127.0.0.1:" + std::to_string(server.port()) + " is not allowed (see --allow-host)\n");
}

TEST_P(SdkServicesTest, MessagingOutsideItsRunnersFails) {
  auto r = Call("nats:a.b=data");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string nats = "error not connected to NATS: this module does not run in capsule-nats";
  EXPECT_EQ(r.out, "publish " + nats + "; request " + nats + "; reply " + nats + "; subject []; server []\n");
  r = Call("mqtt:t/1=data");
  EXPECT_EQ(r.out,
            "publish error not connected to MQTT: this module does not run in capsule-mqtt; topic []; server []; "
            "client []\n");
}

TEST_P(SdkServicesTest, ThroughCapsuleHttp) {
  RedisServer redis;
  ASSERT_TRUE(redis.Start());
  HttpServerProcess server({"--wasm=" + GuestPath(GetParam().services), "--workers=2"}, {"REDIS_URI=" + redis.uri()});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  auto r = HttpRequest(server.port(), "POST", "/", "cache:sdk-http=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/plain; charset=utf-8");
  EXPECT_EQ(r.body, "set sdk-http; get 1; keys sdk-http; del sdk-http; after error key not found");
  r = HttpRequest(server.port(), "POST", "/", "redis:sdk-http=2");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "set sdk-http; get 2; keys sdk-http; del sdk-http; after error redis: nil");
  r = HttpRequest(server.port(), "POST", "/", "read:./missing.txt");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "open ./missing.txt: no such file or directory");
  // Text replies are base64 in the response JSON: every length modulo 3 comes back whole.
  for (const std::string text : {"\"a\"", "\"ab\"", "\"abc\"", "\"\xC3\xA9\\n\""}) {
    r = HttpRequest(server.port(), "POST", "/", "json:" + text);
    EXPECT_EQ(r.status, 200) << text;
    EXPECT_EQ(r.body, text) << text;
  }
  r = HttpRequest(server.port(), "POST", "/", "nonsense");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "expected <command>:<argument>");
}

INSTANTIATE_TEST_SUITE_P(Sdks, SdkServicesTest, ::testing::ValuesIn(AllSdks()), SdkName);

}  // namespace
}  // namespace capsule::testing
