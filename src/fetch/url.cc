#include "fetch/url.h"

#include <cctype>
#include <vector>

namespace capsule::fetch {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HasScheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ':') return true;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

// RFC 3986 5.2.4 on a path (no query).
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  const bool absolute = !path.empty() && path[0] == '/';
  if (absolute) i = 1;
  bool trailing = false;
  while (i <= path.size()) {
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(i, end - i);
    trailing = end == path.size() && (seg == "." || seg == "..");
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
    } else if (seg != ".") {
      out.push_back(seg);
    }
    i = end + 1;
  }
  std::string result = absolute ? "/" : "";
  for (size_t k = 0; k < out.size(); ++k) {
    if (k) result += '/';
    result += out[k];
  }
  if (trailing && (result.empty() || result.back() != '/')) result += '/';
  return result;
}

}  // namespace

namespace {

// host as a URL names it: an IPv6 address in brackets.
std::string UrlHost(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

std::string HttpUrl::authority() const {
  std::string out = UrlHost(host);
  if (port != (scheme == "https" ? 443 : 80)) out += ":" + std::to_string(port);
  return out;
}

std::string HttpUrl::host_port() const {
  return UrlHost(host) + ":" + std::to_string(port);
}

std::string HttpUrl::str() const {
  return scheme + "://" + authority() + target;
}

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  auto invalid = [&] { return Fail(ErrorCode::kInvalidArgument, "invalid URL \"" + std::string(url) + "\""); };
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) return invalid();
  const size_t colon = url.find(':');
  if (!HasScheme(url) || colon == std::string_view::npos) return invalid();
  HttpUrl out;
  out.scheme = Lower(url.substr(0, colon));
  if (out.scheme != "http" && out.scheme != "https")
    return Fail(ErrorCode::kInvalidArgument, "unsupported URL scheme \"" + out.scheme + "\" (http and https only)");
  std::string_view rest = url.substr(colon + 1);
  if (rest.substr(0, 2) != "//") return invalid();
  rest.remove_prefix(2);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view tail = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    out.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid();
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return invalid();
      port = after.substr(1);
    }
    if (out.host.empty() || out.host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos)
      return invalid();
  } else {
    const size_t c = authority.find(':');
    out.host = std::string(authority.substr(0, c));
    if (c != std::string_view::npos) port = authority.substr(c + 1);
    for (char ch : out.host)
      if (ch == '[' || ch == ']' || ch == '\\') return invalid();
  }
  if (out.host.empty()) return invalid();
  if (port.empty()) {
    out.port = out.scheme == "https" ? 443 : 80;
  } else {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) return invalid();
    out.port = std::stoi(std::string(port));
    if (out.port < 1 || out.port > 65535) return invalid();
  }
  tail = tail.substr(0, tail.find('#'));
  out.target = tail.empty() || tail[0] == '?' ? "/" + std::string(tail) : std::string(tail);
  return out;
}

bool SameOrigin(const HttpUrl& a, const HttpUrl& b) {
  return a.scheme == b.scheme && a.port == b.port && Lower(a.host) == Lower(b.host);
}

std::string PercentDecode(std::string_view text) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string ResolveReference(const HttpUrl& base, std::string_view location) {
  location = location.substr(0, location.find('#'));
  if (HasScheme(location)) return std::string(location);
  const std::string origin = base.scheme + "://" + base.authority();
  if (location.substr(0, 2) == "//") return base.scheme + ":" + std::string(location);
  const std::string_view base_target = base.target;
  const std::string_view base_path = base_target.substr(0, base_target.find('?'));
  if (location.empty()) return origin + std::string(base_target);
  if (location[0] == '?') return origin + std::string(base_path) + std::string(location);
  const size_t q = location.find('?');
  const std::string_view path = location.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view() : location.substr(q);
  std::string merged;
  if (path[0] == '/') {
    merged = std::string(path);
  } else {
    merged = std::string(base_path.substr(0, base_path.rfind('/') + 1)) + std::string(path);
  }
  return origin + RemoveDotSegments(merged) + std::string(query);
}

}  // namespace capsule::fetch
