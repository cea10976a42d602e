// Encodes HTTP requests for Capsule handlers: the current ABI's request JSON and the legacy header lists.

#include "abi/json_plain.h"
#include "abi/utf8.h"
#include "capsule/http_abi.h"

namespace capsule {

namespace {

// A token character of RFC 7230, the bytes Go accepts in a header name it canonicalizes.
constexpr bool IsTokenChar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
  }
}

constexpr char ToLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  return true;
}

// Which value a Go server kept of a header sent several times.
enum class Repeated : uint8_t {
  kFirst,  // net/http (gin): Header[name][0]
  kLast,   // fasthttp (fiber): every value stored into one map entry in turn
};

// Calls visit(name, value) for the request headers as Capsule's Go servers gave them to modules: once per name
// (compared without case), in the order of first appearance (Go's maps had none), with the value Go kept. No
// allocation: this runs for every request.
template <class Visit>
void ForEachGoHeader(const HttpRequest& request, Repeated repeated, Visit&& visit) {
  const auto& h = request.headers;
  for (size_t i = 0; i < h.size(); ++i) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; ++j) seen = EqualIgnoringCase(h[j].first, h[i].first);
    if (seen) continue;
    size_t kept = i;
    if (repeated == Repeated::kLast)
      for (size_t j = i + 1; j < h.size(); ++j)
        if (EqualIgnoringCase(h[j].first, h[i].first)) kept = j;
    visit(std::string_view(h[i].first), std::string_view(h[kept].second));
  }
}

// Writes name in Go's canonical form into buffer (of size n), or returns name itself when it is longer or not a
// token; the result is valid while both are.
std::string_view Canonical(std::string_view name, char* buffer, size_t n) {
  if (name.size() > n) return name;
  bool upper = true;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!IsTokenChar(static_cast<unsigned char>(c))) return name;
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper) c = ToLower(c);
    buffer[i] = c;
    upper = c == '-';
  }
  return std::string_view(buffer, name.size());
}

// Appends s escaped as the content of a JSON string, as Go's encoding/json escapes it: runs of plain bytes
// (IsJsonPlain) and valid UTF-8 sequences are copied as they are.
void AppendEscaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char* const end = s.data() + s.size();
  size_t run = 0;
  for (size_t i = 0;; ++i) {
    i = static_cast<size_t>(internal::SkipJsonPlain(s.data() + i, end) - s.data());
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
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

bool IsHttpHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!IsTokenChar(static_cast<unsigned char>(c))) return false;
  return true;
}

bool IsSafeHeaderValue(std::string_view value) {
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

std::string CanonicalHeaderName(std::string_view name) {
  std::string out(name);
  return std::string(Canonical(name, out.data(), out.size()));
}

std::string EncodeHttpRequestJson(const HttpRequest& request) {
  std::string headers;
  ForEachGoHeader(request, Repeated::kLast, [&](std::string_view name, std::string_view value) {
    char buffer[64];
    if (!headers.empty()) headers += ',';
    headers += '"';
    AppendEscaped(headers, Canonical(name, buffer, sizeof buffer));
    headers += "\":\"";
    AppendEscaped(headers, value);
    headers += '"';
  });
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

std::string_view LegacyHeaderSeparator(LegacyHttpShape shape) {
  switch (shape) {
    case LegacyHttpShape::kBodyHeaders: return "|";
    case LegacyHttpShape::kRequestId: return "\xC2\xB3";
    default: return "\xC2\xB2";
  }
}

std::string JoinLegacyHeaders(const HttpRequest& request, LegacyHttpShape shape) {
  const std::string_view separator = LegacyHeaderSeparator(shape);
  // Capsule served v0.1.x-v0.2.7 with gin (net/http) and v0.2.8+ with fiber (fasthttp): the four-string form
  // spans both and follows gin, which served all but its last release.
  const Repeated repeated = shape == LegacyHttpShape::kRequestId ? Repeated::kLast : Repeated::kFirst;
  std::string out;
  ForEachGoHeader(request, repeated, [&](std::string_view name, std::string_view value) {
    char buffer[64];
    if (!out.empty()) out += separator;
    out += Canonical(name, buffer, sizeof buffer);
    out += ':';
    out += value;
  });
  return out;
}

}  // namespace capsule
