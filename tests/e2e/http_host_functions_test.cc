// Host functions through the real capsule-http: the same guest and policy flags as through the CLI, with state
// (the memory cache, Redis) shared by every worker thread of the server.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "http_client.h"
#include "process.h"
#include "redis_server.h"
#include "tiny_http_server.h"

namespace capsule::testing {
namespace {

namespace fs = std::filesystem;

class HttpHostFunctionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    fs::create_directory(dir_ + "/data");
    std::ofstream(dir_ + "/data/hello.txt") << "hello from a file";
    std::ofstream(dir_ + "/secret.txt") << "secret";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // POSTs a command to the guest and returns "<status> <body>".
  static std::string Ask(int port, const std::string& command) {
    HttpResponse r = HttpRequest(port, "POST", "/", command);
    return std::to_string(r.status) + " " + r.body;
  }

  std::string dir_;
};

TEST_F(HttpHostFunctionsTest, EveryServiceWorksThroughTheServer) {
  RedisServer redis;
  ASSERT_TRUE(redis.Start());
  TinyHttpServer web({{"/hello", {200, "hi from the web"}}});
  HttpServerProcess server(
      {"--wasm=" + GuestPath("host_services"), "--workers=2", "--dir=" + dir_ + "/data:.", "--env-allow=VISIBLE_*",
       "--allow-host=127.0.0.1"},
      {"VISIBLE_NAME=Bob", "HIDDEN_TOKEN=xyz", "REDIS_ADDR=127.0.0.1:" + std::to_string(redis.port())});
  ASSERT_GT(server.port(), 0) << server.Stderr();
  const int port = server.port();

  EXPECT_EQ(Ask(port, "env:VISIBLE_NAME"), "200 Bob");
  // Hidden: an empty value, as for an unset variable. An empty TextBody makes capsule-http send the JSONBody, {}.
  EXPECT_EQ(Ask(port, "env:HIDDEN_TOKEN"), "200 {}");
  EXPECT_EQ(Ask(port, "read:hello.txt"), "200 hello from a file");
  EXPECT_EQ(Ask(port, "write:note.txt=written over http"), "200 note.txt");
  EXPECT_EQ(Ask(port, "read:note.txt"), "200 written over http");
  std::string escape = Ask(port, "read:../secret.txt");
  EXPECT_EQ(escape.rfind("500 ", 0), 0u) << escape;
  EXPECT_EQ(escape.find("secret\""), std::string::npos);
  EXPECT_EQ(Ask(port, "talk:x").rfind("200 ", 0), 0u);

  // The cache is process-wide: many requests, spread over both workers, see one map.
  EXPECT_EQ(Ask(port, "cache-set:color=blue"), "200 color");
  for (int i = 0; i < 8; ++i) EXPECT_EQ(Ask(port, "cache-get:color"), "200 blue");
  EXPECT_EQ(Ask(port, "cache-get:missing"), "500 key not found");

  EXPECT_EQ(Ask(port, "redis-set:animal=panda"), "200 animal");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Ask(port, "redis-get:animal"), "200 panda");

  std::string allowed = Ask(port, "http:{\"URI\":\"" + web.url("/hello") + "\",\"Method\":\"GET\"}");
  EXPECT_EQ(allowed.rfind("200 ", 0), 0u) << allowed;
  EXPECT_NE(allowed.find("hi from the web"), std::string::npos) << allowed;
  std::string refused =
      Ask(port, "http:{\"URI\":\"http://localhost:" + std::to_string(web.port()) + "/hello\",\"Method\":\"GET\"}");
  EXPECT_EQ(refused.rfind("500 ", 0), 0u) << refused;

  // A dead Redis gives failures, and the server keeps serving.
  redis.Stop();
  std::string down = Ask(port, "redis-get:animal");
  EXPECT_EQ(down.rfind("500 ", 0), 0u) << down;
  EXPECT_EQ(Ask(port, "cache-get:color"), "200 blue");
}

}  // namespace
}  // namespace capsule::testing
