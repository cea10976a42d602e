// capsule-http end to end: instance life cycle, shutdown, hot reload and TLS.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "http_client.h"
#include "process.h"

namespace capsule::testing {
namespace {

using namespace std::chrono_literals;

TEST(HttpLifecycle, WarmInstanceKeepsStateFreshInstanceDoesNot) {
  {
    HttpServerProcess warm({"--wasm=" + GuestPath("http_test"), "--workers=1"});
    ASSERT_NE(warm.port(), 0);
    for (int i = 1; i <= 3; ++i)
      EXPECT_EQ(HttpRequest(warm.port(), "GET", "/counter").body, "{\"counter\":" + std::to_string(i) + "}");
  }
  HttpServerProcess fresh({"--wasm=" + GuestPath("http_test"), "--workers=2", "--fresh-instance"});
  ASSERT_NE(fresh.port(), 0);
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&] {
      HttpConnection c(fresh.port());
      for (int i = 0; i < 10; ++i)
        if (c.Request("GET", "/counter").body != R"({"counter":1})") ++wrong;
    });
  for (auto& c : clients) c.join();
  EXPECT_EQ(wrong.load(), 0);
}

// --fresh-instance restores a used instance to its state after start instead of making a new one; an instance
// whose memory grew cannot be restored and is replaced. Either way no request sees another's state.
TEST(HttpLifecycle, FreshInstancesAreRecycledOrReplaced) {
  HttpServerProcess fresh({"--wasm=" + GuestPath("http_test"), "--workers=1", "--fresh-instance"});
  ASSERT_NE(fresh.port(), 0);
  HttpConnection c(fresh.port());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.Request("GET", "/counter").body, R"({"counter":1})");
  EXPECT_EQ(c.Request("GET", "/grow").status, 200);
  EXPECT_EQ(c.Request("GET", "/counter").body, R"({"counter":1})");
  EXPECT_EQ(c.Request("GET", "/counter").body, R"({"counter":1})");
  const std::string metrics = c.Request("GET", "/capsule/metrics").body;
  EXPECT_TRUE(Contains(metrics, "capsule_http_instances_recycled_total 5")) << metrics;
  EXPECT_TRUE(Contains(metrics, "capsule_http_instances_created_total 2")) << metrics;
}

// A file a request leaves open does not survive into the next request of a recycled instance (each gets the same,
// lowest fd), while a warm instance keeps it.
TEST(HttpLifecycle, FreshInstancesDoNotKeepOpenFiles) {
  const std::string dir = MakeTempDir();
  auto fds = [&](std::vector<std::string> flags) {
    flags.insert(flags.end(), {"--wasm=" + GuestPath("http_test"), "--workers=1", "--dir=" + dir + ":/data"});
    HttpServerProcess server(flags);
    std::vector<std::string> seen;
    for (int i = 0; i < 3; ++i) seen.push_back(HttpRequest(server.port(), "GET", "/openfd").body);
    return seen;
  };
  const auto fresh = fds({"--fresh-instance"});
  EXPECT_NE(fresh[0], R"({"fd":-1})");
  EXPECT_EQ(fresh[1], fresh[0]);
  EXPECT_EQ(fresh[2], fresh[0]);
  const auto warm = fds({});
  EXPECT_NE(warm[1], warm[0]);
}

TEST(HttpLifecycle, OnStartAndOnStopOnSigterm) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=2"});
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/").status, 200);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
  const std::string out = server.Stdout();
  EXPECT_TRUE(Contains(out, "OnStart called")) << out;
  EXPECT_TRUE(Contains(out, "OnStop called")) << out;
  EXPECT_TRUE(Contains(out, "stopping (SIGTERM)")) << out;
}

TEST(HttpLifecycle, StopAfterIdle) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1", "--stopAfter=1"});
  ASSERT_NE(server.port(), 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/").status, 200);
  EXPECT_EQ(server.Wait(10s), 0);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 4s);
  EXPECT_TRUE(Contains(server.Stdout(), "OnStop called"));
}

TEST(HttpLifecycle, SigtermDrainsInFlightRequests) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=2"});
  ASSERT_NE(server.port(), 0);
  std::vector<HttpResponse> results(2);
  std::vector<std::thread> clients;
  for (int i = 0; i < 2; ++i) clients.emplace_back([&, i] { results[i] = HttpRequest(server.port(), "GET", "/slow"); });
  std::this_thread::sleep_for(50ms);
  server.Signal(SIGTERM);
  for (auto& c : clients) c.join();
  for (const auto& r : results) {
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"slow":true})");
  }
  EXPECT_EQ(server.Wait(), 0);
  EXPECT_FALSE(HttpConnection(server.port()).ok());
}

// A guest that never returns (no --timeout) cannot hold the stop forever: after --drain-timeout it is
// interrupted, its client gets 504 and the server exits.
TEST(HttpLifecycle, SigtermInterruptsWhatOutlivesTheDrainTimeout) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=2", "--drain-timeout=500ms"});
  ASSERT_NE(server.port(), 0);
  HttpResponse looping;
  std::thread client([&] { looping = HttpRequest(server.port(), "GET", "/loop"); });
  for (int i = 0; i < 100 && !Contains(HttpRequest(server.port(), "GET", "/capsule/metrics").body,
                                       "capsule_http_in_flight_requests 2");
       ++i)
    std::this_thread::sleep_for(20ms);
  server.Signal(SIGTERM);
  client.join();
  EXPECT_EQ(looping.status, 504);
  EXPECT_EQ(server.Wait(), 0);
  EXPECT_TRUE(Contains(server.Stderr(), "interrupting them")) << server.Stderr();
}

TEST(HttpLifecycle, ReloadIsDisabledWithoutTokenAndChecksIt) {
  {
    HttpServerProcess server({"--wasm=" + GuestPath("hello-world"), "--workers=1"});
    ASSERT_NE(server.port(), 0);
    auto r = HttpRequest(server.port(), "POST", "/capsule/reload", GuestPath("http_test"));
    EXPECT_EQ(r.status, 403);
    EXPECT_TRUE(Contains(r.body, "CAPSULE_RELOAD_TOKEN")) << r.body;
    EXPECT_EQ(HttpRequest(server.port(), "POST", "/load-wasm-module", "{}").status, 403);
  }
  HttpServerProcess server({"--wasm=" + GuestPath("hello-world"), "--workers=1"}, {"CAPSULE_RELOAD_TOKEN=s3cret"});
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(HttpRequest(server.port(), "POST", "/capsule/reload", GuestPath("http_test")).status, 401);
  EXPECT_EQ(
      HttpRequest(server.port(), "POST", "/capsule/reload", GuestPath("http_test"), {"CAPSULE_RELOAD_TOKEN: nope"})
          .status,
      401);
}

TEST(HttpLifecycle, BadModuleIsRejectedAndTheOldOneKeepsServing) {
  const std::string dir = MakeTempDir();
  const std::string bad = dir + "/bad.wasm";
  {
    std::FILE* f = std::fopen(bad.c_str(), "w");
    std::fputs("not wasm", f);
    std::fclose(f);
  }
  HttpServerProcess server({"--wasm=" + GuestPath("hello-world"), "--workers=1"}, {"CAPSULE_RELOAD_TOKEN=t"});
  ASSERT_NE(server.port(), 0);
  const std::vector<std::string> token = {"CAPSULE_RELOAD_TOKEN: t"};
  for (const std::string& source :
       {bad, dir + "/missing.wasm", GuestPath("abi_unknown_import"), GuestPath("cli_wasi_command")}) {
    auto r = HttpRequest(server.port(), "POST", "/capsule/reload", source, token);
    EXPECT_EQ(r.status, 422) << source;
    EXPECT_TRUE(Contains(r.body, "rejected")) << r.body;
  }
  EXPECT_EQ(HttpRequest(server.port(), "POST", "/", R"({"name":"a","age":1})").body,
            R"({"message":"a 1","things":{"emoji":"🐯"}})");
  EXPECT_TRUE(Contains(HttpRequest(server.port(), "GET", "/capsule/metrics").body,
                       "capsule_http_reloads_total{result=\"failed\"} 4"));
  std::filesystem::remove_all(dir);
}

TEST(HttpLifecycle, ReloadUnderLoadLosesNoRequest) {
  HttpServerProcess server({"--wasm=" + GuestPath("hello-world"), "--workers=2"}, {"CAPSULE_RELOAD_TOKEN=t"});
  ASSERT_NE(server.port(), 0);
  std::atomic<bool> done{false};
  std::atomic<int> ok{0}, failed{0}, new_module{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&] {
      HttpConnection c(server.port());
      while (!done) {
        auto r = c.Request("POST", "/", R"({"name":"a","age":1})");
        if (r.status != 200) {
          ++failed;
          continue;
        }
        ++ok;
        if (r.body == R"({"hello":"world"})") ++new_module;
      }
    });
  std::this_thread::sleep_for(300ms);
  const std::vector<std::string> token = {"CAPSULE_RELOAD_TOKEN: t"};
  auto r1 = HttpRequest(server.port(), "POST", "/capsule/reload", GuestPath("http_test"), token);
  EXPECT_EQ(r1.status, 200) << r1.body;
  std::this_thread::sleep_for(300ms);
  auto r2 =
      HttpRequest(server.port(), "POST", "/load-wasm-module", "{\"path\":\"" + GuestPath("hello-world") + "\"}", token);
  EXPECT_EQ(r2.status, 200) << r2.body;
  std::this_thread::sleep_for(300ms);
  done = true;
  for (auto& c : clients) c.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), 100);
  EXPECT_GT(new_module.load(), 0);
  EXPECT_EQ(HttpRequest(server.port(), "POST", "/", R"({"name":"b","age":2})").body,
            R"({"message":"b 2","things":{"emoji":"🐯"}})");
}

TEST(HttpLifecycle, WatchReloadsWhenTheFileChanges) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/module.wasm";
  std::filesystem::copy_file(GuestPath("hello-world"), path);
  HttpServerProcess server({"--wasm=" + path, "--workers=1", "--watch"});
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(HttpRequest(server.port(), "POST", "/", R"({"name":"a","age":1})").body,
            R"({"message":"a 1","things":{"emoji":"🐯"}})");
  std::this_thread::sleep_for(1100ms);  // a different modification time
  std::filesystem::copy_file(GuestPath("http_test"), dir + "/next.wasm");
  std::filesystem::rename(dir + "/next.wasm", path);
  std::string body;
  for (int i = 0; i < 50 && body != R"({"hello":"world"})"; ++i) {
    std::this_thread::sleep_for(100ms);
    body = HttpRequest(server.port(), "POST", "/", R"({"name":"a","age":1})").body;
  }
  EXPECT_EQ(body, R"({"hello":"world"})");
  std::filesystem::remove_all(dir);
}

TEST(HttpLifecycle, AccessLog) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1", "--access-log"});
  ASSERT_NE(server.port(), 0);
  HttpRequest(server.port(), "GET", "/fail?x=1");
  std::this_thread::sleep_for(100ms);
  const std::string err = server.Stderr();
  EXPECT_TRUE(Contains(err, R"("method":"GET","target":"/fail?x=1","status":500)")) << err;
}

TEST(HttpLifecycle, Tls) {
  const std::string dir = MakeTempDir();
  auto gen = RunProcess({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                         dir + "/key.pem", "-out", dir + "/crt.pem", "-days", "1", "-subj", "/CN=127.0.0.1"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  HttpServerProcess server(
      {"--wasm=" + GuestPath("hello-world"), "--workers=1", "--crt=" + dir + "/crt.pem", "--key=" + dir + "/key.pem"});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  EXPECT_TRUE(Contains(server.Stdout(), "https://"));
  auto r = RunProcess({"/usr/bin/curl", "-sk", "-X", "POST", "-d", R"({"name":"tls","age":3})",
                       "https://127.0.0.1:" + std::to_string(server.port()) + "/"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, R"({"message":"tls 3","things":{"emoji":"🐯"}})");
  // Plain HTTP on the TLS port is refused without harming the server.
  EXPECT_NE(HttpRequest(server.port(), "GET", "/").status, 200);
  auto again = RunProcess({"/usr/bin/curl", "-sk", "https://127.0.0.1:" + std::to_string(server.port()) + "/health"});
  EXPECT_EQ(again.out, R"({"status":"ok"})");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace capsule::testing
