#include "abi/http_reply_fast.h"

#include <cstdint>
#include <string>

#include "abi/json_plain.h"
#include "abi/utf8.h"

namespace capsule::internal {
namespace {

// A cursor over the reply text. Every Scan* either consumes one canonical item and returns true, or returns false.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text) {}

  bool AtEnd() {
    SkipSpace();
    return i_ == s_.size();
  }
  bool Take(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  // Whitespace is allowed only between the top-level members, which are not printed back.
  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }

  // A string without escapes or control characters, in valid UTF-8; *out is its content.
  bool ScanString(std::string_view* out) {
    if (!Take('"')) return false;
    const size_t start = i_;
    for (;;) {
      i_ = static_cast<size_t>(SkipJsonPlain(s_.data() + i_, s_.data() + s_.size()) - s_.data());
      if (i_ == s_.size()) return false;
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        *out = s_.substr(start, i_ - start);
        ++i_;
        return true;
      }
      // An escape, a control character or one of <, >, & (which Go escapes): the general decoder's work.
      if (c < 0x80 || !ScanUtf8Sequence()) return false;
    }
  }

  // -?(0|[1-9][0-9]*) with at most 18 digits: printed back unchanged by the general decoder.
  bool ScanInteger(int64_t* out) {
    const bool negative = Take('-');
    const size_t start = i_;
    int64_t v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') v = v * 10 + (s_[i_++] - '0');
    const size_t digits = i_ - start;
    if (digits == 0 || digits > 18 || (digits > 1 && s_[start] == '0') || (negative && v == 0)) return false;
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) return false;
    *out = negative ? -v : v;
    return true;
  }

  // Any canonical value: compact, sorted unique keys, canonical strings and integers. depth bounds the recursion.
  bool ScanValue(int depth = 0) {
    if (depth > 64 || i_ >= s_.size()) return false;
    std::string_view text;
    int64_t number;
    switch (s_[i_]) {
      case '"': return ScanString(&text);
      case '{': {
        ++i_;
        if (Take('}')) return true;
        std::string_view previous;
        for (bool first = true;; first = false) {
          std::string_view key;
          if (!ScanString(&key) || (!first && !(previous < key)) || !Take(':') || !ScanValue(depth + 1)) return false;
          previous = key;
          if (Take('}')) return true;
          if (!Take(',')) return false;
        }
      }
      case '[': {
        ++i_;
        if (Take(']')) return true;
        for (;;) {
          if (!ScanValue(depth + 1)) return false;
          if (Take(']')) return true;
          if (!Take(',')) return false;
        }
      }
      case 't': return Literal("true");
      case 'f': return Literal("false");
      case 'n': return Literal("null");
      default: return ScanInteger(&number);
    }
  }

  size_t position() const { return i_; }
  std::string_view Slice(size_t from) const { return s_.substr(from, i_ - from); }

 private:
  bool Literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  // One multi-byte UTF-8 sequence (no overlong forms, no surrogates, at most U+10FFFF) that Go prints as it is
  // (not U+2028 or U+2029); the general decoder handles anything else.
  bool ScanUtf8Sequence() {
    const size_t length = Utf8SequenceLength(s_, i_);
    if (length == 0 || IsLineOrParagraphSeparator(s_, i_)) return false;
    i_ += length;
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

bool DecodeCanonicalHttpReply(std::string_view json, HttpReply* reply) {
  Scanner in(json);
  in.SkipSpace();
  if (!in.Take('{')) return false;
  bool seen_status = false, seen_headers = false, seen_text = false, seen_json = false;
  std::string_view text_body, json_body;
  reply->status = 200;
  reply->headers.clear();
  in.SkipSpace();
  if (!in.Take('}')) {
    for (;;) {
      in.SkipSpace();
      std::string_view key;
      if (!in.ScanString(&key)) return false;
      in.SkipSpace();
      if (!in.Take(':')) return false;
      in.SkipSpace();
      if (key == "StatusCode") {
        int64_t code;
        if (seen_status || !in.ScanInteger(&code)) return false;
        if (code != 0 && (code < 100 || code > 999)) return false;
        reply->status = code == 0 ? 200 : static_cast<int>(code);
        seen_status = true;
      } else if (key == "Headers") {
        if (seen_headers || !in.Take('{')) return false;
        seen_headers = true;
        std::string_view previous;
        if (!in.Take('}')) {
          for (bool first = true;; first = false) {
            std::string_view name, value;
            if (!in.ScanString(&name) || (!first && !(previous < name)) || !in.Take(':') || !in.ScanString(&value))
              return false;
            previous = name;
            reply->headers.emplace_back(name, value);
            if (in.Take('}')) break;
            if (!in.Take(',')) return false;
          }
        }
      } else if (key == "TextBody") {
        if (seen_text || !in.ScanString(&text_body)) return false;
        seen_text = true;
      } else if (key == "JSONBody") {
        const size_t start = in.position();
        if (seen_json || !in.ScanValue()) return false;
        json_body = in.Slice(start);
        seen_json = true;
      } else {
        return false;  // a member the fast path does not know: the general decoder decides
      }
      in.SkipSpace();
      if (in.Take('}')) break;
      if (!in.Take(',')) return false;
    }
  }
  if (!in.AtEnd()) return false;
  if (!text_body.empty()) return DecodeBase64(text_body, &reply->body);
  if (json_body.empty() || json_body == "null" || json_body == "\"\"")
    reply->body = "{}";
  else
    reply->body.assign(json_body);
  return true;
}

}  // namespace capsule::internal
