#include "fetch/proxy.h"

#include <arpa/inet.h>
#include <strings.h>

#include <array>
#include <charconv>
#include <string>

namespace capsule::fetch {
namespace {

// 16 bytes of an IPv4 (first 4) or IPv6 address, and how many bits it has.
struct Address {
  std::array<unsigned char, 16> bytes{};
  int bits = 0;
};

std::optional<Address> ParseAddress(const std::string& text) {
  Address a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
    a.bits = 32;
    return a;
  }
  if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.bits = 128;
    return a;
  }
  return std::nullopt;
}

bool SamePrefix(const Address& a, const Address& b, int bits) {
  for (int i = 0; i < bits / 8; ++i)
    if (a.bytes[i] != b.bytes[i]) return false;
  if (bits % 8 == 0) return true;
  const unsigned mask = 0xffu << (8 - bits % 8);
  return (a.bytes[bits / 8] & mask) == (b.bytes[bits / 8] & mask);
}

// Whether one no_proxy entry (not empty, not "*") exempts host.
bool EntryExempts(std::string_view host, std::string_view entry, const std::optional<Address>& host_address) {
  if (host_address) {
    std::string_view prefix_text;
    if (size_t slash = entry.find('/'); slash != std::string_view::npos) {
      prefix_text = entry.substr(slash + 1);
      entry = entry.substr(0, slash);
    }
    if (entry.size() >= 2 && entry.front() == '[' && entry.back() == ']') entry = entry.substr(1, entry.size() - 2);
    const std::optional<Address> network = ParseAddress(std::string(entry));
    if (!network || network->bits != host_address->bits) return false;
    int bits = network->bits;
    if (!prefix_text.empty()) {
      auto [end, ec] = std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), bits);
      if (ec != std::errc() || end != prefix_text.data() + prefix_text.size() || bits > network->bits) return false;
      if (bits == 0) bits = network->bits;  // as curl: "/0" is the whole address
    }
    return SamePrefix(*host_address, *network, bits);
  }
  if (entry.front() == '.') entry.remove_prefix(1);
  if (!entry.empty() && entry.back() == '.') entry.remove_suffix(1);
  if (entry.empty() || entry.size() > host.size()) return false;
  const std::string_view tail = host.substr(host.size() - entry.size());
  if (::strncasecmp(tail.data(), entry.data(), entry.size()) != 0) return false;
  return host.size() == entry.size() || host[host.size() - entry.size() - 1] == '.';
}

// The first of names that is set and not empty, with its name; {nullptr, nullptr} when none is.
std::pair<const char*, const char*> FirstSet(const EnvLookup& lookup, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (const char* value = lookup(name); value && *value) return {name, value};
  return {nullptr, nullptr};
}

}  // namespace

bool NoProxyExempts(std::string_view host, std::string_view no_proxy) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) return false;
  const size_t first = no_proxy.find_first_not_of(" \t");
  if (first == std::string_view::npos) return false;
  if (no_proxy.substr(first, no_proxy.find_last_not_of(" \t") + 1 - first) == "*") return true;
  const std::optional<Address> host_address = ParseAddress(std::string(host));
  size_t i = 0;
  while (i < no_proxy.size()) {
    size_t end = no_proxy.find_first_of(", \t", i);
    if (end == std::string_view::npos) end = no_proxy.size();
    const std::string_view entry = no_proxy.substr(i, end - i);
    i = end + 1;
    if (!entry.empty() && entry != "*" && EntryExempts(host, entry, host_address)) return true;
  }
  return false;
}

Result<std::optional<HttpUrl>> ProxyFromEnvironment(const HttpUrl& url, const EnvLookup& lookup) {
  auto [name, value] = url.scheme == "https" ? FirstSet(lookup, {"https_proxy", "HTTPS_PROXY"})
                                             : FirstSet(lookup, {"http_proxy", "HTTP_PROXY"});
  if (!value) std::tie(name, value) = FirstSet(lookup, {"all_proxy", "ALL_PROXY"});
  if (!value) return std::optional<HttpUrl>();
  if (const char* no_proxy = FirstSet(lookup, {"no_proxy", "NO_PROXY"}).second;
      no_proxy && NoProxyExempts(url.host, no_proxy))
    return std::optional<HttpUrl>();
  std::string text = value;
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string::npos) {
    text = "http://" + text;
  } else if (::strncasecmp(text.c_str(), "http://", 7) != 0) {
    return Fail(ErrorCode::kInvalidArgument, std::string(name) + " names a " + text.substr(0, scheme_end) +
                                                 ":// proxy: only http:// proxies are supported");
  }
  auto proxy = ParseHttpUrl(text);
  if (!proxy) return Fail(ErrorCode::kInvalidArgument, std::string(name) + " is not a proxy URL (http://host:port)");
  return std::optional<HttpUrl>(std::move(*proxy));
}

}  // namespace capsule::fetch
