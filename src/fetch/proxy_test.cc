#include "fetch/proxy.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace capsule::fetch {
namespace {

// ProxyFromEnvironment for url with exactly the variables of env set.
Result<std::optional<HttpUrl>> Choose(const std::string& url, const std::map<std::string, std::string>& env) {
  auto parsed = ParseHttpUrl(url);
  EXPECT_TRUE(parsed.ok());
  return ProxyFromEnvironment(*parsed, [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

// The chosen proxy as scheme://authority, "direct" for none, "error: ..." for an error.
std::string Chosen(const std::string& url, const std::map<std::string, std::string>& env) {
  auto proxy = Choose(url, env);
  if (!proxy) return "error: " + proxy.error().message;
  return *proxy ? (*proxy)->scheme + "://" + (*proxy)->authority() : "direct";
}

TEST(ProxyFromEnvironmentTest, EachSchemeHasItsVariablesThenAllProxy) {
  const std::map<std::string, std::string> env = {{"http_proxy", "http://p1:3128"}, {"https_proxy", "p2:8080"}};
  EXPECT_EQ(Chosen("http://example.com/", env), "http://p1:3128");
  EXPECT_EQ(Chosen("https://example.com/", env), "http://p2:8080");
  EXPECT_EQ(Chosen("https://example.com/", {{"HTTPS_PROXY", "http://p3:1"}}), "http://p3:1");
  EXPECT_EQ(Chosen("http://example.com/", {{"HTTP_PROXY", "http://p4:1"}}), "http://p4:1");
  EXPECT_EQ(Chosen("http://example.com/", {{"http_proxy", "http://low:1"}, {"HTTP_PROXY", "http://up:1"}}),
            "http://low:1");
  EXPECT_EQ(Chosen("https://example.com/", {{"http_proxy", "http://p1:1"}}), "direct");  // http's is not https's
  EXPECT_EQ(Chosen("https://example.com/", {{"ALL_PROXY", "http://all:1"}}), "http://all:1");
  EXPECT_EQ(Chosen("http://example.com/", {{"all_proxy", "http://all:1"}, {"http_proxy", ""}}), "http://all:1");
  EXPECT_EQ(Chosen("http://example.com/", {}), "direct");
  EXPECT_EQ(Chosen("http://example.com/", {{"http_proxy", "proxy.internal"}}), "http://proxy.internal");  // port 80
}

TEST(ProxyFromEnvironmentTest, KeepsTheProxysCredentials) {
  auto proxy = Choose("http://example.com/", {{"http_proxy", "http://user:p%40ss@127.0.0.1:3128/"}});
  ASSERT_TRUE(proxy.ok());
  ASSERT_TRUE(proxy->has_value());
  EXPECT_EQ((*proxy)->userinfo, "user:p%40ss");
  EXPECT_EQ((*proxy)->host, "127.0.0.1");
  EXPECT_EQ((*proxy)->port, 3128);
}

TEST(ProxyFromEnvironmentTest, RefusesWhatItCannotUseWithoutShowingTheValue) {
  EXPECT_EQ(Chosen("https://example.com/", {{"HTTPS_PROXY", "socks5://user:secret@p:1080"}}),
            "error: HTTPS_PROXY names a socks5:// proxy: only http:// proxies are supported");
  EXPECT_EQ(Chosen("http://example.com/", {{"http_proxy", "https://p:443"}}),
            "error: http_proxy names a https:// proxy: only http:// proxies are supported");
  EXPECT_EQ(Chosen("http://example.com/", {{"http_proxy", "http://secret@:x"}}),
            "error: http_proxy is not a proxy URL (http://host:port)");
}

TEST(ProxyFromEnvironmentTest, NoProxyExemptsItsHosts) {
  const std::map<std::string, std::string> env = {{"http_proxy", "http://p:1"},
                                                  {"no_proxy", "localhost,.internal, 10.0.0.0/8 [::1]"}};
  EXPECT_EQ(Chosen("http://localhost:8080/", env), "direct");
  EXPECT_EQ(Chosen("http://api.internal/", env), "direct");
  EXPECT_EQ(Chosen("http://10.1.2.3/", env), "direct");
  EXPECT_EQ(Chosen("http://[::1]:80/", env), "direct");
  EXPECT_EQ(Chosen("http://11.0.0.1/", env), "http://p:1");
  EXPECT_EQ(Chosen("http://example.com/", env), "http://p:1");
  EXPECT_EQ(Chosen("http://example.com/", {{"http_proxy", "http://p:1"}, {"NO_PROXY", "*"}}), "direct");
}

TEST(NoProxyExemptsTest, NamesMatchThemselvesAndTheirSubdomains) {
  EXPECT_TRUE(NoProxyExempts("example.com", "example.com"));
  EXPECT_TRUE(NoProxyExempts("www.Example.COM", "example.com"));
  EXPECT_TRUE(NoProxyExempts("www.example.com", ".example.com"));
  EXPECT_TRUE(NoProxyExempts("example.com.", "example.com."));
  EXPECT_FALSE(NoProxyExempts("notexample.com", "example.com"));
  EXPECT_FALSE(NoProxyExempts("example.com.evil", "example.com"));
  EXPECT_FALSE(NoProxyExempts("com", "example.com"));
  EXPECT_FALSE(NoProxyExempts("example.com", ""));
  EXPECT_FALSE(NoProxyExempts("example.com", " , ,"));
}

TEST(NoProxyExemptsTest, AStarAloneExemptsEverything) {
  EXPECT_TRUE(NoProxyExempts("example.com", "*"));
  EXPECT_TRUE(NoProxyExempts("10.0.0.1", " * "));
  EXPECT_FALSE(NoProxyExempts("example.com", "*,other.com"));  // only alone, as curl
}

TEST(NoProxyExemptsTest, AddressesMatchByPrefix) {
  EXPECT_TRUE(NoProxyExempts("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(NoProxyExempts("127.0.0.2", "127.0.0.1"));
  EXPECT_TRUE(NoProxyExempts("192.168.7.9", "192.168.0.0/16"));
  EXPECT_FALSE(NoProxyExempts("192.169.0.1", "192.168.0.0/16"));
  EXPECT_TRUE(NoProxyExempts("10.127.0.1", "10.0.0.0/9"));
  EXPECT_FALSE(NoProxyExempts("10.128.0.1", "10.0.0.0/9"));
  EXPECT_TRUE(NoProxyExempts("fd00::5", "fd00::/8"));
  EXPECT_TRUE(NoProxyExempts("::1", "[::1]"));
  EXPECT_FALSE(NoProxyExempts("::2", "::1"));
  EXPECT_FALSE(NoProxyExempts("10.0.0.1", "10.0.0.0/33"));  // too many bits: matches nothing
  EXPECT_FALSE(NoProxyExempts("10.0.0.1", "10.0.0.0/x"));
  EXPECT_FALSE(NoProxyExempts("10.0.0.1", "example.com"));  // names never match addresses
  EXPECT_FALSE(NoProxyExempts("example.com", "10.0.0.0/8"));
}

}  // namespace
}  // namespace capsule::fetch
