// Encodes HTTP requests for Capsule handlers: the current ABI's request JSON and the legacy header list.
#include <cstdio>

#include "capsule/http_abi.h"

namespace capsule {

namespace {

// Whether c must be escaped inside a JSON string.
bool NeedsEscape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

void AppendEscaped(std::string& out, std::string_view s) {
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!NeedsEscape(c)) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
}

}  // namespace

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  AppendEscaped(out, s);
  return out;
}

std::string EncodeHttpRequestJson(const HttpRequest& request) {
  std::string headers;
  for (const auto& [name, value] : request.headers) {
    if (!headers.empty()) headers += ',';
    headers += '"';
    AppendEscaped(headers, name);
    headers += "\":\"";
    AppendEscaped(headers, value);
    headers += '"';
  }
  std::string out;
  out.reserve(96 + request.body.size() + request.uri.size() + headers.size() * 5 / 4);
  out += "{\"Body\":\"";
  AppendEscaped(out, request.body);
  out += "\",\"JSONBody\":\"\",\"TextBody\":\"\",\"URI\":\"";
  AppendEscaped(out, request.uri);
  out += "\",\"Method\":\"";
  AppendEscaped(out, request.method);
  out += "\",\"Headers\":\"";
  AppendEscaped(out, headers);
  out += "\"}";
  return out;
}

std::string JoinLegacyHeaders(const HttpRequest& request) {
  std::string out;
  for (const auto& [name, value] : request.headers) {
    if (!out.empty()) out += "\xC2\xB3";
    out += name;
    out += ':';
    out += value;
  }
  return out;
}

}  // namespace capsule
