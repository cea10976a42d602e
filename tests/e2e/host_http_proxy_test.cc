// End-to-end: hostHTTP through a real HTTP proxy (tinyproxy) named by http_proxy, as curl and Go's clients use one:
// the request goes to the proxy in absolute form with the proxy's credentials, no_proxy exempts hosts, and a dead,
// refusing or unusable proxy is a clear failure. (https through the proxy's CONNECT tunnel: host_https_test.)
#include <gtest/gtest.h>

#include <string>

#include "process.h"
#include "server_process.h"
#include "tiny_http_server.h"
#include "tinyproxy_server.h"

namespace capsule::testing {
namespace {

using Response = TinyHttpServer::Response;

// hostHTTP GET of url through the services guest, with env added to the CLI's environment.
RunResult Get(const std::string& url, std::vector<std::string> env) {
  RunOptions options;
  options.env = std::move(env);
  return RunProcess({BinaryPath("capsule"), "--wasm=" + GuestPath("host_services"),
                     "--params=http:{\"URI\":\"" + url + "\",\"Method\":\"GET\"}"},
                    options);
}

class HostHttpProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTinyproxy()) GTEST_SKIP() << "tinyproxy is not installed (scripts/setup.sh installs it)";
  }
  TinyHttpServer server_{{{"/json", Response{200, "{\"name\":\"Bob\"}", {"Content-Type: application/json"}}}}};
};

TEST_F(HostHttpProxyTest, TheRequestGoesThroughTheProxy) {
  TinyproxyServer proxy;
  ASSERT_TRUE(proxy.Start());
  auto r = Get(server_.url("/json"), {"http_proxy=" + proxy.url()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(R"("JSONBody":{"name":"Bob"})"), std::string::npos) << r.out;
  EXPECT_NE(proxy.Log().find("GET " + server_.url("/json") + " HTTP/1.1"), std::string::npos) << proxy.Log();
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_NE(server_.requests()[0].find("(tinyproxy/"), std::string::npos) << server_.requests()[0];
  // The capital name (Go's) is read too; so is all_proxy.
  for (const std::string variable : {"HTTP_PROXY=", "all_proxy="}) {
    r = Get(server_.url("/json"), {variable + proxy.url()});
    EXPECT_EQ(r.exit_code, 0) << variable << r.out << r.err;
  }
  EXPECT_EQ(server_.requests().size(), 3u);
  EXPECT_NE(server_.requests()[2].find("(tinyproxy/"), std::string::npos);
}

TEST_F(HostHttpProxyTest, NoProxyGoesStraightToTheServer) {
  TinyproxyServer proxy;
  ASSERT_TRUE(proxy.Start());
  for (const std::string exempt : {"127.0.0.1", "127.0.0.0/8", "*"}) {
    auto r = Get(server_.url("/json"), {"http_proxy=" + proxy.url(), "no_proxy=" + exempt});
    ASSERT_EQ(r.exit_code, 0) << exempt << ": " << r.out << r.err;
  }
  ASSERT_EQ(server_.requests().size(), 3u);
  for (const std::string& request : server_.requests()) EXPECT_EQ(request.find("Via:"), std::string::npos) << request;
  EXPECT_EQ(proxy.Log().find("GET http"), std::string::npos) << proxy.Log();
}

TEST_F(HostHttpProxyTest, TheProxysCredentialsGoToTheProxyOnly) {
  TinyproxyServer proxy({.basic_auth = "capsule s3cret"});
  ASSERT_TRUE(proxy.Start());
  // Without them the proxy answers 407, which the guest sees as the answer.
  auto r = Get(server_.url("/json"), {"http_proxy=" + proxy.url()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"StatusCode\":407"), std::string::npos) << r.out;
  EXPECT_TRUE(server_.requests().empty());
  r = Get(server_.url("/json"), {"http_proxy=http://capsule:s3cret@127.0.0.1:" + std::to_string(proxy.port())});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"StatusCode\":200"), std::string::npos) << r.out;
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].find("Proxy-Authorization"), std::string::npos) << server_.requests()[0];
}

TEST_F(HostHttpProxyTest, ADeadOrUnusableProxyIsAFailure) {
  const int dead = FreeLoopbackPort();
  auto r = Get(server_.url("/json"), {"http_proxy=http://127.0.0.1:" + std::to_string(dead)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("cannot connect to the proxy 127.0.0.1:" + std::to_string(dead) + ": Connection refused"),
            std::string::npos)
      << r.out;
  r = Get(server_.url("/json"), {"http_proxy=socks5://user:secret@127.0.0.1:1080"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("http_proxy names a socks5:// proxy: only http:// proxies are supported"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("secret"), std::string::npos) << r.out;  // the value (and its password) is not shown
  EXPECT_TRUE(server_.requests().empty());                      // never straight to the server instead
}

}  // namespace
}  // namespace capsule::testing
