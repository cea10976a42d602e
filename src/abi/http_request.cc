// Encodes HTTP requests for Capsule handlers: the current ABI's request JSON and the legacy header list.

#include "abi/utf8.h"
#include "capsule/http_abi.h"

namespace capsule {

namespace {

// Bytes that end a run of characters copied as they are: quotes, backslashes, control characters, the HTML
// characters Go escapes, and every non-ASCII byte (checked as UTF-8).
constexpr bool NeedsAttention(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= 0x80;
}

void AppendEscaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!NeedsAttention(c)) continue;
    if (c >= 0x80) {
      const size_t length = internal::Utf8SequenceLength(s, i);
      const bool separator = internal::IsLineOrParagraphSeparator(s, i);
      if (length != 0 && !separator) {
        i += length - 1;  // a valid character, copied with its run
        continue;
      }
      out.append(s.data() + run, i - run);
      if (separator) {
        out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
        i += 2;
      } else {
        out += "\\ufffd";  // an invalid byte, replaced as Go does
      }
      run = i + 1;
      continue;
    }
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
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
