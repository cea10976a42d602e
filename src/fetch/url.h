// http and https URLs as the HDK's HTTP client needs them: parsed (for the allow-list and the request line) and
// redirect targets resolved against the URL that answered.
#pragma once

#include <string>
#include <string_view>

#include "capsule/result.h"

namespace capsule::fetch {

// An absolute http(s) URL, split.
struct HttpUrl {
  std::string scheme;    // "http" or "https"
  std::string userinfo;  // "user:password" before '@', percent-encoded as given; usually empty
  std::string host;      // a name or an address; an IPv6 address without its brackets
  int port = 0;          // the URL's port, else 80 or 443
  std::string target;    // path and query for the request line, "/" when the URL has none; no fragment

  // host[:port] for the Host header: the port only when it is not the scheme's default, IPv6 in brackets.
  std::string authority() const;
  // host:port, always with the port, IPv6 in brackets (a CONNECT request's target).
  std::string host_port() const;
  // scheme://authority + target (without the userinfo).
  std::string str() const;
};

// Parses url. Errors: kInvalidArgument for a scheme other than http and https ("unsupported URL scheme"), a missing
// or malformed host or port, or a character that has no place in a URL (space, control characters).
Result<HttpUrl> ParseHttpUrl(std::string_view url);

// Whether a and b have the same scheme, host (compared without case) and port: a redirect between them stays with
// the same server, so the credentials sent to a may be sent to b.
bool SameOrigin(const HttpUrl& a, const HttpUrl& b);

// text with its %XX escapes decoded (a malformed escape is kept as it is).
std::string PercentDecode(std::string_view text);

// The absolute URL a redirect's Location names, relative to base (RFC 3986 section 5: absolute, "//authority",
// "/path", "?query" and relative paths with their dot segments removed).
std::string ResolveReference(const HttpUrl& base, std::string_view location);

}  // namespace capsule::fetch
