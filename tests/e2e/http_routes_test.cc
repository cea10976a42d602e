// capsule-http end to end: routes and the request/response encoding of both ABIs.
#include <gtest/gtest.h>

#include "http_client.h"
#include "process.h"

namespace capsule::testing {
namespace {

TEST(HttpRoutes, HelloWorldAnswersJson) {
  HttpServerProcess server({"--wasm=" + GuestPath("hello-world"), "--workers=1"});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  auto r =
      HttpRequest(server.port(), "POST", "/", R"({"name":"Bob Morane","age":42})", {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"message":"Bob Morane 42","things":{"emoji":"🐯"}})");
  EXPECT_EQ(r.headers["content-type"], "application/json; charset=utf-8");
}

TEST(HttpRoutes, RequestJsonCarriesMethodUriBodyAndHeaders) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1"});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  auto r = HttpRequest(server.port(), "PUT", "/echo?x=1&y=2", "line1\n\"quoted\"",
                       {"X-Quote: say \"hi\"", "x-lower-case: v"});
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, R"("method":"PUT")")) << r.body;
  // The module echoes the request in its JSONBody, which comes out as Go's encoding/json prints it: & escaped.
  EXPECT_TRUE(Contains(r.body, R"("uri":"http://127.0.0.1/echo?x=1\u0026y=2")")) << r.body;
  EXPECT_TRUE(Contains(r.body, R"("body":"line1\n\"quoted\"")")) << r.body;
  // Headers: "Name":"Value" joined by ",", no braces, values JSON-escaped.
  EXPECT_TRUE(Contains(r.body, R"(\"X-Quote\":\"say \\\"hi\\\"\")")) << r.body;
  EXPECT_TRUE(Contains(r.body, R"(\"Host\":\"127.0.0.1\")")) << r.body;
  // Names in Go's canonical form, as Capsule's server (fasthttp) handed them over.
  EXPECT_TRUE(Contains(r.body, R"(\"X-Lower-Case\":\"v\")")) << r.body;
}

TEST(HttpRoutes, TextBodyStatusAndHeaders) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1"});
  ASSERT_NE(server.port(), 0);
  auto r = HttpRequest(server.port(), "GET", "/text");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "hello text");
  EXPECT_EQ(r.headers["x-test"], "yes");
  EXPECT_EQ(r.headers["content-type"], "text/plain");
  auto n = HttpRequest(server.port(), "GET", "/nostatus");
  EXPECT_EQ(n.status, 200);
  EXPECT_EQ(n.body, R"({"a":[1,2]})");
  // No Content-Type from the module: Capsule's Go server (fasthttp) sent text/plain; and every reply has a Date.
  EXPECT_EQ(n.headers["content-type"], "text/plain; charset=utf-8");
  EXPECT_TRUE(Contains(n.headers["date"], " GMT")) << n.headers["date"];
}

TEST(HttpRoutes, TheCSdkBuildsJsonAndTextReplies) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1"});
  ASSERT_NE(server.port(), 0);
  auto j = HttpRequest(server.port(), "GET", "/teapot");
  EXPECT_EQ(j.status, 418);
  EXPECT_EQ(j.body, R"({"teapot":true})");
  EXPECT_EQ(j.headers["content-type"], "application/json; charset=utf-8");
  EXPECT_EQ(j.headers["x-extra"], "1");
  EXPECT_EQ(j.headers["x-more"], "two");
  auto t = HttpRequest(server.port(), "GET", "/html");
  EXPECT_EQ(t.status, 203);
  EXPECT_EQ(t.body, "<p>caf\xC3\xA9 \"quoted\"</p>");
  EXPECT_EQ(t.headers["content-type"], "text/html; charset=\"utf-8\"");
}

TEST(HttpRoutes, InvalidHeadersFromTheModuleAreDropped) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1"});
  ASSERT_NE(server.port(), 0);
  auto r = HttpRequest(server.port(), "GET", "/badheaders");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["x-ok"], "fine");
  EXPECT_EQ(r.headers.count("x-split"), 0u);
  EXPECT_EQ(r.headers.count("injected"), 0u);
  EXPECT_EQ(r.headers.count("bad name"), 0u);
}

TEST(HttpRoutes, HeadHasNoBody) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1"});
  ASSERT_NE(server.port(), 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/text";
  auto r = RunProcess({"/usr/bin/curl", "-sI", "--max-time", "5", url});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "HTTP/1.1 201")) << r.out;
  EXPECT_TRUE(Contains(r.out, "Content-Length: 10")) << r.out;
  EXPECT_FALSE(Contains(r.out, "hello text")) << r.out;
}

TEST(HttpRoutes, FailureAndGarbageAre500) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1"});
  ASSERT_NE(server.port(), 0);
  auto f = HttpRequest(server.port(), "GET", "/fail");
  EXPECT_EQ(f.status, 500);
  EXPECT_EQ(f.body, "boom");
  auto g = HttpRequest(server.port(), "GET", "/garbage");
  EXPECT_EQ(g.status, 500);
  EXPECT_TRUE(Contains(g.body, "not a JSON object")) << g.body;
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/").status, 200);
}

TEST(HttpRoutes, HostHealthAndMetricsWhenModuleHasNone) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_test"), "--workers=1"});
  ASSERT_NE(server.port(), 0);
  auto h = HttpRequest(server.port(), "GET", "/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, R"({"status":"ok"})");
  HttpRequest(server.port(), "GET", "/fail");
  auto m = HttpRequest(server.port(), "GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_TRUE(Contains(m.body, "capsule_http_requests_total{code=\"500\"} 1")) << m.body;
  auto c = HttpRequest(server.port(), "GET", "/capsule/metrics");
  for (const char* name :
       {"capsule_http_request_duration_seconds_bucket", "capsule_http_in_flight_requests", "capsule_http_traps_total",
        "capsule_http_timeouts_total", "capsule_http_instances ", "capsule_http_reloads_total"})
    EXPECT_TRUE(Contains(c.body, name)) << name;
  // POST /health is the handler's.
  EXPECT_EQ(HttpRequest(server.port(), "POST", "/health").body, R"({"hello":"world"})");
}

TEST(HttpRoutes, ModuleHealthAndMetrics) {
  HttpServerProcess server({"--wasm=" + GuestPath("health-metrics"), "--workers=1"});
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/health").body, R"({"health":"ok"})");
  EXPECT_EQ(HttpRequest(server.port(), "GET", "/anything").body, R"({"answer":42})");
  auto m = HttpRequest(server.port(), "GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_TRUE(Contains(m.body, "module_calls_total 1")) << m.body;
  EXPECT_TRUE(Contains(HttpRequest(server.port(), "GET", "/capsule/metrics").body, "capsule_http_requests_total"));
}

TEST(HttpRoutes, HtmlPage) {
  HttpServerProcess server({"--wasm=" + GuestPath("html-page"), "--workers=1"});
  ASSERT_NE(server.port(), 0);
  auto r = HttpRequest(server.port(), "GET", "/a/b");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_TRUE(Contains(r.body, "You asked for http://127.0.0.1/a/b")) << r.body;
}

// Each legacy generation reads its request headers as its own capsulemodule did (tests/guests/http/legacy_http.c)
// and echoes My-Token in its body and in an X-My-Token answer header: the round trip proves the separator.
TEST(HttpRoutes, LegacyRequestIdModule) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_legacy"), "--workers=1"});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  auto r = HttpRequest(server.port(), "POST", "/x?q=1", "hello", {"X-A: b", "my-token: secret"});
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, "hello|http://127.0.0.1/x?q=1|POST|")) << r.body;
  EXPECT_TRUE(Contains(r.body, "X-A:b")) << r.body;
  EXPECT_TRUE(Contains(r.body, "\xC2\xB3")) << r.body;  // headers joined with ³
  EXPECT_TRUE(Contains(r.body, "|My-Token=secret")) << r.body;
  EXPECT_EQ(r.headers["x-my-token"], "secret");
  EXPECT_EQ(r.headers["x-legacy"], "yes");
  EXPECT_EQ(r.headers["content-type"], "text/plain");
  auto f = HttpRequest(server.port(), "POST", "/", "fail");
  EXPECT_EQ(f.status, 500);
  EXPECT_TRUE(Contains(f.body, "legacy failure")) << f.body;
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
  EXPECT_TRUE(Contains(server.Stdout(), "OnLoad called"));
  EXPECT_TRUE(Contains(server.Stdout(), "OnExit called"));
}

TEST(HttpRoutes, LegacyFourStringModule) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_legacy_v02"), "--workers=1"});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  auto r = HttpRequest(server.port(), "DELETE", "/item/3", "", {"My-Token: secret"});
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, "|http://127.0.0.1/item/3|DELETE|")) << r.body;
  EXPECT_TRUE(Contains(r.body, "\xC2\xB2")) << r.body;  // headers joined with ²
  EXPECT_FALSE(Contains(r.body, "\xC2\xB3")) << r.body;
  EXPECT_TRUE(Contains(r.body, "|My-Token=secret")) << r.body;
  EXPECT_EQ(r.headers["x-my-token"], "secret");
  EXPECT_EQ(r.headers["x-legacy"], "yes");
  // A value holding ':' reaches the module raw; capsulemodule's own split keeps the text up to the next ':'.
  auto colon = HttpRequest(server.port(), "GET", "/", "", {"My-Token: a:b"});
  EXPECT_EQ(colon.body.substr(colon.body.rfind('|')), "|My-Token=a") << colon.body;
  EXPECT_EQ(colon.headers["x-my-token"], "a");
}

TEST(HttpRoutes, LegacyBodyHeadersModule) {
  HttpServerProcess server({"--wasm=" + GuestPath("http_legacy_v01"), "--workers=1"});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  auto r = HttpRequest(server.port(), "POST", "/", "payload", {"X-A: b", "MY-TOKEN: secret"});
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Contains(r.body, "payload|||")) << r.body;
  EXPECT_TRUE(Contains(r.body, "X-A:b|")) << r.body;  // headers joined with |
  EXPECT_FALSE(Contains(r.body, "\xC2\xB2")) << r.body;
  EXPECT_FALSE(Contains(r.body, "\xC2\xB3")) << r.body;
  EXPECT_TRUE(Contains(r.body, "|My-Token=secret")) << r.body;
  // Its answer headers are joined with | too.
  EXPECT_EQ(r.headers["x-my-token"], "secret");
  EXPECT_EQ(r.headers["x-legacy"], "yes");
  EXPECT_EQ(r.headers["content-type"], "text/plain");
}

TEST(HttpRoutes, VersionAndBadFlags) {
  auto v = RunProcess({HttpBinaryPath(), "--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_TRUE(Contains(v.out, "capsule-http v"));
  auto none = RunProcess({HttpBinaryPath()});
  EXPECT_EQ(none.exit_code, 2);
  auto missing = RunProcess({HttpBinaryPath(), "--wasm=/nonexistent.wasm", "--httpPort="});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(Contains(missing.err, "/nonexistent.wasm"));
}

}  // namespace
}  // namespace capsule::testing
