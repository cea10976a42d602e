#include "fetch/url.h"

#include <gtest/gtest.h>

namespace capsule::fetch {
namespace {

HttpUrl Parse(const std::string& url) {
  auto parsed = ParseHttpUrl(url);
  EXPECT_TRUE(parsed.ok()) << url << ": " << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? parsed.value() : HttpUrl{};
}

TEST(HttpUrlTest, SplitsSchemeHostPortAndTarget) {
  HttpUrl u = Parse("http://example.com/a/b?x=1#frag");
  EXPECT_EQ(u.scheme, "http");
  EXPECT_EQ(u.host, "example.com");
  EXPECT_EQ(u.port, 80);
  EXPECT_EQ(u.target, "/a/b?x=1");
  EXPECT_EQ(u.authority(), "example.com");
  u = Parse("HTTPS://Example.com:8443");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.target, "/");
  EXPECT_EQ(u.authority(), "Example.com:8443");
  EXPECT_EQ(Parse("https://h?q").target, "/?q");
  EXPECT_EQ(Parse("https://h:443/").authority(), "h");
}

TEST(HttpUrlTest, Ipv6AndUserinfo) {
  HttpUrl u = Parse("http://user:p%40ss@[::1]:8080/x");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.userinfo, "user:p%40ss");
  EXPECT_EQ(PercentDecode(u.userinfo), "user:p@ss");
  EXPECT_EQ(u.authority(), "[::1]:8080");
  EXPECT_EQ(u.str(), "http://[::1]:8080/x");
  EXPECT_EQ(Parse("https://[::1]/").host_port(), "[::1]:443");  // always with the port, as CONNECT needs
  EXPECT_EQ(Parse("http://example.com/").host_port(), "example.com:80");
}

TEST(HttpUrlTest, RefusesWhatIsNotAnHttpUrl) {
  for (const char* bad :
       {"", "example.com/x", "http:/x", "http://", "http://:80/", "http://h:0/", "http://h:65536/", "http://h:8a/",
        "http://[::1/", "http://[zz]/", "http://h /x", "http://h/\r\nX: y", "http://a[b]/"}) {
    auto r = ParseHttpUrl(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  auto r = ParseHttpUrl("file:///etc/passwd");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unsupported URL scheme \"file\" (http and https only)");
}

TEST(HttpUrlTest, ResolvesRedirectTargets) {
  HttpUrl base = Parse("http://h:81/a/b/c?q=1");
  EXPECT_EQ(ResolveReference(base, "https://other/x"), "https://other/x");
  EXPECT_EQ(ResolveReference(base, "//other:9/y"), "http://other:9/y");
  EXPECT_EQ(ResolveReference(base, "/json"), "http://h:81/json");
  EXPECT_EQ(ResolveReference(base, "?z=2"), "http://h:81/a/b/c?z=2");
  EXPECT_EQ(ResolveReference(base, "d"), "http://h:81/a/b/d");
  EXPECT_EQ(ResolveReference(base, "../d?k"), "http://h:81/a/d?k");
  EXPECT_EQ(ResolveReference(base, "./"), "http://h:81/a/b/");
  EXPECT_EQ(ResolveReference(base, "../../../../x"), "http://h:81/x");
  EXPECT_EQ(ResolveReference(base, "/a/./b/../c#f"), "http://h:81/a/c");
  EXPECT_EQ(ResolveReference(base, ""), "http://h:81/a/b/c?q=1");
}

}  // namespace
}  // namespace capsule::fetch
