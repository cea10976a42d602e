// Which HTTP proxy an outbound exchange goes through, read from the environment as curl reads it (http_proxy,
// https_proxy, all_proxy, no_proxy, also in capitals as Go reads them).
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "capsule/result.h"
#include "fetch/url.h"

namespace capsule::fetch {

// Reads one environment variable: its value, or nullptr when it is not set.
using EnvLookup = std::function<const char*(const char*)>;

// The proxy for an exchange with url, none when no variable names one or no_proxy exempts url's host. For http URLs
// http_proxy then HTTP_PROXY, for https URLs https_proxy then HTTPS_PROXY, then all_proxy and ALL_PROXY for both; an
// empty variable counts as unset. The value is a URL ("http://user:password@host:port") or "host:port" (the scheme
// is then http); without a port the proxy is on port 80. Errors: kInvalidArgument, naming the variable, for a value
// that is not such a URL or names another kind of proxy (https://, socks5://: only HTTP proxies are supported).
Result<std::optional<HttpUrl>> ProxyFromEnvironment(const HttpUrl& url, const EnvLookup& lookup);

// Whether the no_proxy list exempts host (a name, or an address without brackets) from the proxy, by curl's rules:
// entries are separated by commas or blanks; "*" alone exempts every host; a name entry matches that name and its
// subdomains (a leading and a trailing dot are ignored, case too); an address entry, optionally with a prefix
// length ("10.0.0.0/8", "fd00::/8", "[::1]"), matches the addresses it covers.
bool NoProxyExempts(std::string_view host, std::string_view no_proxy);

}  // namespace capsule::fetch
