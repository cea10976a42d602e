// JSON quoting as Go does it, and a lenient scanner for request objects.
#include "host/json.h"

#include <cctype>

#include "capsule/http_abi.h"

namespace capsule::host {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// The end of the string starting at s[i] == '"', or npos when it is not closed.
size_t SkipString(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == '"') return i + 1;
  }
  return std::string_view::npos;
}

// The end of the value starting at s[i], or npos when it is malformed. depth guards the stack.
size_t SkipValue(std::string_view s, size_t i, int depth = 0) {
  i = SkipSpace(s, i);
  if (i >= s.size() || depth > 256) return std::string_view::npos;
  char c = s[i];
  if (c == '"') return SkipString(s, i);
  if (c == '{' || c == '[') {
    const char close = c == '{' ? '}' : ']';
    i = SkipSpace(s, i + 1);
    if (i < s.size() && s[i] == close) return i + 1;
    for (;;) {
      if (c == '{') {
        if (i >= s.size() || s[i] != '"') return std::string_view::npos;
        i = SkipString(s, i);
        if (i == std::string_view::npos) return i;
        i = SkipSpace(s, i);
        if (i >= s.size() || s[i] != ':') return std::string_view::npos;
        ++i;
      }
      i = SkipValue(s, i, depth + 1);
      if (i == std::string_view::npos) return i;
      i = SkipSpace(s, i);
      if (i >= s.size()) return std::string_view::npos;
      if (s[i] == close) return i + 1;
      if (s[i] != ',') return std::string_view::npos;
      i = SkipSpace(s, i + 1);
    }
  }
  size_t start = i;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == '+' || s[i] == '.'))
    ++i;
  return i == start ? std::string_view::npos : i;
}

void AppendUtf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string quoted;  // not "\"" + ... : GCC 12 warns falsely (-Wrestrict) on that in release builds
  quoted.reserve(text.size() + 2);
  quoted += '"';
  quoted += JsonEscape(text);
  quoted += '"';
  return quoted;
}

std::string JsonKeys(const std::vector<std::string>& keys) {
  std::string out = "{\"keys\":[";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ',';
    out += JsonQuote(keys[i]);
  }
  return out + "]}";
}

Result<std::vector<std::pair<std::string, std::string>>> ParseJsonObject(std::string_view s) {
  auto bad = [](size_t at) {
    return Fail(ErrorCode::kInvalidArgument, "invalid JSON at offset " + std::to_string(at));
  };
  std::vector<std::pair<std::string, std::string>> members;
  size_t i = SkipSpace(s, 0);
  if (i >= s.size() || s[i] != '{') return bad(i);
  i = SkipSpace(s, i + 1);
  if (i < s.size() && s[i] == '}') {
    if (SkipSpace(s, i + 1) != s.size()) return bad(i + 1);
    return members;
  }
  for (;;) {
    if (i >= s.size() || s[i] != '"') return bad(i);
    size_t key_end = SkipString(s, i);
    if (key_end == std::string_view::npos) return bad(i);
    std::string key = JsonStringContent(s.substr(i, key_end - i));
    i = SkipSpace(s, key_end);
    if (i >= s.size() || s[i] != ':') return bad(i);
    size_t value_start = SkipSpace(s, i + 1);
    size_t value_end = SkipValue(s, value_start);
    if (value_end == std::string_view::npos) return bad(value_start);
    members.emplace_back(std::move(key), std::string(s.substr(value_start, value_end - value_start)));
    i = SkipSpace(s, value_end);
    if (i < s.size() && s[i] == ',') {
      i = SkipSpace(s, i + 1);
      continue;
    }
    if (i < s.size() && s[i] == '}') break;
    return bad(i);
  }
  if (SkipSpace(s, i + 1) != s.size()) return bad(i + 1);
  return members;
}

bool IsJsonValue(std::string_view text) {
  size_t end = SkipValue(text, 0);
  return end != std::string_view::npos && SkipSpace(text, end) == text.size();
}

std::string JsonStringContent(std::string_view raw) {
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return std::string(raw);
  std::string out;
  raw = raw.substr(1, raw.size() - 2);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 >= raw.size()) {
      out += raw[i];
      continue;
    }
    char e = raw[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        unsigned code = 0;
        if (i + 4 >= raw.size() || std::sscanf(std::string(raw.substr(i + 1, 4)).c_str(), "%4x", &code) != 1) {
          out += "\\u";
          break;
        }
        i += 4;
        if (code >= 0xD800 && code < 0xDC00 && i + 6 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
          unsigned low = 0;
          if (std::sscanf(std::string(raw.substr(i + 3, 4)).c_str(), "%4x", &low) == 1 && low >= 0xDC00 &&
              low < 0xE000) {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        AppendUtf8(out, code);
        break;
      }
      default: out += e; break;  // \" \\ \/ and, leniently, any other escaped character
    }
  }
  return out;
}

}  // namespace capsule::host
