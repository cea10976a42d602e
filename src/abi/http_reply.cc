// Decodes Capsule handler answers into HTTP replies: the current ABI's response JSON and legacy result strings.
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "abi/http_reply_fast.h"
#include "abi/utf8.h"
#include "capsule/http_abi.h"
#include "host/json.h"

namespace capsule {
namespace {

HttpReply Failure(std::string message) {
  return TextReply(500, std::move(message));
}

std::string HeaderValue(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array() && !v.empty() && v.front().is_string()) return v.front().get<std::string>();
  return v.dump();
}

// text with every byte that does not start a valid UTF-8 sequence replaced by U+FFFD, as Go decodes it.
std::string ReplaceInvalidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t length = c < 0x80 ? 1 : internal::Utf8SequenceLength(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

// Appends v as Go's encoding/json prints what it unmarshalled into an interface{} (Capsule re-marshals JSONBody
// so): compact, object keys sorted, strings HTML-safe (host::JsonQuote), floats in Go's shortest form. Integers
// stay exact where Go, going through float64, would round those beyond 2^53.
void AppendGoJson(const nlohmann::json& v, std::string* out) {
  switch (v.type()) {
    case nlohmann::json::value_t::object: {
      out->push_back('{');
      bool first = true;
      for (const auto& [key, member] : v.items()) {  // std::map: sorted bytewise, as Go sorts map keys
        if (!first) out->push_back(',');
        first = false;
        *out += host::JsonQuote(key);
        out->push_back(':');
        AppendGoJson(member, out);
      }
      out->push_back('}');
      return;
    }
    case nlohmann::json::value_t::array: {
      out->push_back('[');
      for (size_t i = 0; i < v.size(); ++i) {
        if (i) out->push_back(',');
        AppendGoJson(v[i], out);
      }
      out->push_back(']');
      return;
    }
    case nlohmann::json::value_t::string: *out += host::JsonQuote(v.get_ref<const std::string&>()); return;
    case nlohmann::json::value_t::number_float: {
      const double f = v.get<double>();
      const double magnitude = std::fabs(f);
      const bool exponent = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21);
      char buf[64];
      auto [end, ec] =
          std::to_chars(buf, buf + sizeof buf, f, exponent ? std::chars_format::scientific : std::chars_format::fixed);
      std::string text(buf, ec == std::errc() ? end : buf);
      // Go writes e-7, not e-07 (positive exponents keep their two digits: e+21).
      const size_t n = text.size();
      if (exponent && n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') text.erase(n - 2, 1);
      *out += text;
      return;
    }
    default: *out += v.dump(); return;  // integers, booleans, null
  }
}

}  // namespace

HttpReply TextReply(int status, std::string body, std::string content_type) {
  HttpReply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

HttpReply DecodeHttpReply(const Reply& reply, std::string_view export_name) {
  if (!reply.ok) return Failure(reply.data);
  HttpReply r;
  if (internal::DecodeCanonicalHttpReply(reply.data, &r)) return r;
  return internal::DecodeHttpReplyDocument(reply.data, export_name);
}

HttpReply internal::DecodeHttpReplyDocument(std::string_view json, std::string_view export_name) {
  auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // Go's json.Unmarshal takes bytes that are not UTF-8 and makes them U+FFFD; the parser here refuses them.
    std::string repaired = ReplaceInvalidUtf8(json);
    if (repaired != json) doc = nlohmann::json::parse(repaired, nullptr, /*allow_exceptions=*/false);
  }
  const std::string what = std::string(export_name);
  if (doc.is_discarded() || !doc.is_object())
    return Failure("the module's " + what + " answered a response that is not a JSON object");
  HttpReply r;
  if (auto it = doc.find("StatusCode"); it != doc.end() && !it->is_null()) {
    if (!it->is_number_integer()) return Failure("the module's " + what + " answered a non-integer StatusCode");
    const auto code = it->get<int64_t>();
    if (code != 0 && (code < 100 || code > 999))
      return Failure("the module's " + what + " answered StatusCode " + std::to_string(code));
    r.status = code == 0 ? 200 : static_cast<int>(code);
  }
  if (auto it = doc.find("Headers"); it != doc.end() && it->is_object())
    for (const auto& [name, value] : it->items()) r.headers.emplace_back(name, HeaderValue(value));
  std::string text;
  if (auto it = doc.find("TextBody"); it != doc.end() && it->is_string()) text = it->get<std::string>();
  if (!text.empty()) {
    if (!DecodeBase64(text, &r.body))
      return Failure("the module's " + what + " answered a TextBody that is not base64");
    return r;
  }
  auto body = doc.find("JSONBody");
  if (body == doc.end() || body->is_null() || (body->is_string() && body->get<std::string>().empty()))
    r.body = "{}";
  else
    AppendGoJson(*body, &r.body);
  return r;
}

HttpReply DecodeLegacyHttpReply(const Reply& reply, LegacyHttpShape shape) {
  if (!reply.ok) return Failure(reply.data);
  HttpReply r;
  std::string_view s = reply.data;
  constexpr std::string_view kBody = "[BODY]", kHeaders = "[HEADERS]";
  if (s.substr(0, kBody.size()) != kBody) {
    r.body = std::string(s);
    return r;
  }
  s.remove_prefix(kBody.size());
  const size_t h = s.find(kHeaders);
  r.body = std::string(s.substr(0, h));
  if (h == std::string_view::npos) return r;
  std::string_view headers = s.substr(h + kHeaders.size());
  const std::string_view separator =
      shape == LegacyHttpShape::kBodyHeaders ? LegacyHeaderSeparator(shape) : std::string_view("\xC2\xB2");
  while (!headers.empty()) {
    const size_t end = headers.find(separator);
    std::string_view entry = headers.substr(0, end);
    if (const size_t colon = entry.find(':'); colon != std::string_view::npos && colon > 0) {
      std::string_view value = entry.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.emplace_back(std::string(entry.substr(0, colon)), std::string(value));
    }
    if (end == std::string_view::npos) break;
    headers.remove_prefix(end + separator.size());
  }
  return r;
}

}  // namespace capsule
