// End-to-end: hostHTTP (current) and hostHttp (legacy) through the `capsule` CLI against a local HTTP server:
// encodings, allow-list, timeout, size limit, redirects inside and outside the allow-list.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "process.h"
#include "tiny_http_server.h"

namespace capsule::testing {
namespace {

using Response = TinyHttpServer::Response;

RunResult Capsule(std::vector<std::string> args) {
  args.insert(args.begin(), BinaryPath("capsule"));
  return RunProcess(args);
}

// Calls hostHTTP with the request JSON, through the services guest.
RunResult Http(const std::string& request, std::vector<std::string> flags = {}) {
  std::vector<std::string> args = {"--wasm=" + GuestPath("host_services"), "--params=http:" + request};
  args.insert(args.end(), flags.begin(), flags.end());
  return Capsule(args);
}

std::string Get(const std::string& url) {
  return "{\"URI\":\"" + url + "\",\"Method\":\"GET\",\"Headers\":{\"Accept\":\"*/*\"}}";
}

class HostHttpTest : public ::testing::Test {
 protected:
  HostHttpTest()
      : server_({{"/json", Response{200, "{\"name\":\"Bob\"}", {"Content-Type: application/json"}}},
                 {"/text", Response{201, "a \"quoted\"\nline <b>", {"Content-Type: text/plain"}}},
                 {"/slow", Response{200, "late", {}, 3000}},
                 {"/big", Response{200, std::string(200000, 'x')}},
                 {"/echo", Response{200, "ok", {"Content-Type: text/plain"}}},
                 {"/redirect-in", Response{302, "", {"Location: /json"}}},
                 {"/redirect-out", Response{302, "", {"Location: http://localhost:1/json"}}},
                 {"/dir/relative", Response{302, "", {"Location: ../json"}}},
                 {"/keep-method", Response{307, "", {"Location: /echo"}}},
                 {"/loop", Response{302, "", {"Location: /loop"}}},
                 {"/empty", Response{204, ""}}}) {}
  TinyHttpServer server_;
};

TEST_F(HostHttpTest, JsonResponseIsEmbeddedRaw) {
  auto r = Http(Get(server_.url("/json")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "{\"JSONBody\":{\"name\":\"Bob\"},\"Headers\":{\"Connection\":[\"close\"],\"Content-Length\":[\"14\"],"
            "\"Content-Type\":[\"application/json\"]},\"StatusCode\":200}\n");
  EXPECT_NE(server_.requests().at(0).find("Accept: */*"), std::string::npos);
}

TEST_F(HostHttpTest, TextResponseIsEscaped) {
  auto r = Http(Get(server_.url("/text")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "{\"TextBody\":\"a \\\"quoted\\\"\\nline \\u003cb\\u003e\",\"Headers\":{\"Connection\":[\"close\"],"
            "\"Content-Length\":[\"19\"],\"Content-Type\":[\"text/plain\"]},\"StatusCode\":201}\n");
}

TEST_F(HostHttpTest, EmptyBodyIsAnEmptyTextBody) {
  auto r = Http(Get(server_.url("/empty")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("{\"TextBody\":\"\",", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\"StatusCode\":204"), std::string::npos);
}

TEST_F(HostHttpTest, PostSendsTheJsonBodyElseTheTextBody) {
  auto r = Http("{\"URI\":\"" + server_.url("/echo") +
                "\",\"Method\":\"POST\",\"Headers\":{\"Content-Type\":\"application/json\"},"
                "\"JSONBody\":{\"a\":[1,2]},\"TextBody\":\"\"}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Http("{\"URI\":\"" + server_.url("/echo") + "\",\"Method\":\"PUT\",\"TextBody\":\"plain text\"}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Http("{\"URI\":\"" + server_.url("/echo") + "\",\"Method\":\"DELETE\"}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].rfind("POST /echo", 0), 0u);
  EXPECT_NE(requests[0].find("\r\n\r\n{\"a\":[1,2]}"), std::string::npos) << requests[0];
  EXPECT_EQ(requests[1].rfind("PUT /echo", 0), 0u);
  EXPECT_NE(requests[1].find("\r\n\r\nplain text"), std::string::npos) << requests[1];
  EXPECT_EQ(requests[2].rfind("DELETE /echo", 0), 0u);
}

TEST_F(HostHttpTest, BadRequestsAreFailures) {
  auto r = Http("{\"URI\":\"" + server_.url("/json") + "\",\"Method\":\"PATCH\"}");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "method PATCH is not supported (GET, POST, PUT, DELETE)\n");
  r = Http("{\"URI\":\"" + server_.url("/json") + "\",\"TextBody\":\"unescaped \"quote\"}");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.rfind("bad request JSON", 0), 0u) << r.out;
  r = Http(Get("file:///etc/passwd"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("unsupported URL scheme"), std::string::npos) << r.out;
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(HostHttpTest, AllowListRefusesOtherHosts) {
  auto r = Http(Get(server_.url("/json")), {"--allow-host=127.0.0.1:" + std::to_string(server_.port())});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = Http(Get(server_.url("/json")), {"--allow-host=example.com"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "host 127.0.0.1:" + std::to_string(server_.port()) + " is not allowed (see --allow-host)\n");
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(HostHttpTest, TimeoutIsAFailure) {
  auto start = std::chrono::steady_clock::now();
  auto r = Http(Get(server_.url("/slow")), {"--http-timeout=300ms"});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "timeout: no answer within 300ms\n");
  EXPECT_LT(took, std::chrono::milliseconds(2500));
}

TEST_F(HostHttpTest, LargeBodyOverTheLimitIsAFailure) {
  auto r = Http(Get(server_.url("/big")), {"--http-max-response=64KiB"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "the response is larger than 65536 bytes\n");
  r = Http(Get(server_.url("/big")));  // under the default 16 MiB
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find(std::string(200000, 'x')), std::string::npos);
}

TEST_F(HostHttpTest, RedirectsStayInsideTheAllowList) {
  std::string allow = "--allow-host=127.0.0.1:" + std::to_string(server_.port());
  auto r = Http(Get(server_.url("/redirect-in")), {allow});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("{\"JSONBody\":{\"name\":\"Bob\"}", 0), 0u) << r.out;
  r = Http(Get(server_.url("/redirect-out")), {allow});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "host localhost:1 is not allowed (see --allow-host)\n");
}

TEST_F(HostHttpTest, RedirectsResolveRelativeTargetsAndKeepTheMethodOn307) {
  auto r = Http(Get(server_.url("/dir/relative")));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("{\"JSONBody\":{\"name\":\"Bob\"}", 0), 0u) << r.out;
  r = Http("{\"URI\":\"" + server_.url("/keep-method") + "\",\"Method\":\"PUT\",\"TextBody\":\"kept\"}");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[3].rfind("PUT /echo", 0), 0u) << requests[3];
  EXPECT_NE(requests[3].find("\r\n\r\nkept"), std::string::npos) << requests[3];
  r = Http(Get(server_.url("/loop")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "stopped after 10 redirects\n");
}

TEST_F(HostHttpTest, CredentialsDoNotFollowARedirectToAnotherServer) {
  TinyHttpServer other({{"/echo", Response{200, "ok"}}});
  TinyHttpServer first(
      {{"/away", Response{302, "", {"Location: http://localhost:" + std::to_string(other.port()) + "/echo"}}},
       {"/stay", Response{302, "", {"Location: /here"}}},
       {"/here", Response{200, "here"}}});
  const std::string headers = R"("Headers":{"Authorization":"Bearer secret","Cookie":"c=1","X-Trace":"7"})";
  auto r = Http("{\"URI\":\"" + first.url("/away") + "\",\"Method\":\"GET\"," + headers + "}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string moved = other.requests().at(0);
  EXPECT_EQ(moved.find("Authorization:"), std::string::npos) << moved;
  EXPECT_EQ(moved.find("Cookie:"), std::string::npos) << moved;
  EXPECT_NE(moved.find("X-Trace: 7\r\n"), std::string::npos) << moved;
  r = Http("{\"URI\":\"" + first.url("/stay") + "\",\"Method\":\"GET\"," + headers + "}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string kept = first.requests().back();  // the same server: the credentials go along
  EXPECT_EQ(kept.rfind("GET /here", 0), 0u) << kept;
  EXPECT_NE(kept.find("Authorization: Bearer secret\r\n"), std::string::npos) << kept;
}

TEST_F(HostHttpTest, SendsTheRequestHeadersAndCredentialsOfTheUrl) {
  const std::string url = "http://bob:s%40cret@127.0.0.1:" + std::to_string(server_.port()) + "/json";
  auto r = Http("{\"URI\":\"" + url + "\",\"Method\":\"GET\",\"Headers\":{\"X-Trace\":\"42\"}}");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string request = server_.requests().at(0);
  EXPECT_EQ(request.rfind("GET /json HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("Host: 127.0.0.1:" + std::to_string(server_.port()) + "\r\n"), std::string::npos);
  EXPECT_NE(request.find("User-Agent: capsule\r\n"), std::string::npos) << request;
  EXPECT_NE(request.find("Authorization: Basic Ym9iOnNAY3JldA==\r\n"), std::string::npos) << request;  // bob:s@cret
  EXPECT_NE(request.find("X-Trace: 42\r\n"), std::string::npos) << request;
}

TEST_F(HostHttpTest, HeaderInjectionIsRefused) {
  auto r = Http("{\"URI\":\"" + server_.url("/json") +
                "\",\"Method\":\"GET\",\"Headers\":{\"X-A\":\"1\\r\\nX-Injected: yes\"}}");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "the value of HTTP header X-A has a control character\n");
  r = Http("{\"URI\":\"" + server_.url("/json") + "\",\"Method\":\"GET\",\"Headers\":{\"Bad Name\":\"1\"}}");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "invalid HTTP header name \"Bad Name\"\n");
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(HostHttpTest, UnreachableHostsAreFailuresThatSayWhy) {
  int port;
  {
    TinyHttpServer closed({});
    port = closed.port();
  }
  auto r = Http(Get("http://127.0.0.1:" + std::to_string(port) + "/x"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "GET http://127.0.0.1:" + std::to_string(port) +
                       "/x: cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused\n");
  r = Http(Get("http://no-such-host.invalid/x"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.rfind("GET http://no-such-host.invalid/x: cannot resolve host no-such-host.invalid: ", 0), 0u)
      << r.out;
}

TEST_F(HostHttpTest, LegacyHostHttpAnswersTheBody) {
  auto r = Capsule(
      {"--wasm=" + GuestPath("host_legacy_services"), "http", server_.url("/text"), "GET", "Accept:text/plain", ""});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "a \"quoted\"\nline <b>\n");
  r = Capsule({"--wasm=" + GuestPath("host_legacy_services"), "http", server_.url("/empty"), "GET", "", ""});
  EXPECT_EQ(r.exit_code, 0) << r.err;  // an empty body is (0, 0): no allocateBuffer(0), which would trap
  EXPECT_EQ(r.out, "empty\n");
  r = Capsule({"--wasm=" + GuestPath("host_legacy_services"), "--allow-host=example.com", "http", server_.url("/text"),
               "GET", "", ""});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("is not allowed"), std::string::npos) << r.out;
  r = Capsule({"--wasm=" + GuestPath("host_legacy_services"), "http", server_.url("/echo"), "POST",
               "Content-Type:text/plain", "legacy body"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(server_.requests().back().find("\r\n\r\nlegacy body"), std::string::npos);
}

}  // namespace
}  // namespace capsule::testing
