// The run scanner of JSON strings, and the request escaper and reply decoder built on it, at every position of a
// 16-byte block (the scanner's SSE2 path reads 16 bytes at a time, its tail one at a time).
#include "abi/json_plain.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "abi/http_reply_fast.h"
#include "capsule/http_abi.h"

namespace capsule::internal {
namespace {

TEST(JsonPlain, EveryByteAtEveryPosition) {
  for (int c = 0; c < 256; ++c) {
    for (size_t at = 0; at < 40; ++at) {
      std::string text(40, 'a');
      text[at] = static_cast<char>(c);
      const char* stop = SkipJsonPlain(text.data(), text.data() + text.size());
      EXPECT_EQ(static_cast<size_t>(stop - text.data()), IsJsonPlain(static_cast<unsigned char>(c)) ? 40 : at)
          << "byte " << c << " at " << at;
    }
  }
  EXPECT_FALSE(IsJsonPlain('"'));
  EXPECT_FALSE(IsJsonPlain('&'));
  EXPECT_FALSE(IsJsonPlain(0x1f));
  EXPECT_FALSE(IsJsonPlain(0x80));
  EXPECT_TRUE(IsJsonPlain(' '));
  EXPECT_TRUE(IsJsonPlain(0x7f));
}

TEST(JsonPlain, StopsAtTheEndItIsGiven) {
  const std::string text = std::string(20, 'a') + "\"";
  for (size_t n = 0; n <= 20; ++n) EXPECT_EQ(SkipJsonPlain(text.data(), text.data() + n), text.data() + n);
  EXPECT_EQ(SkipJsonPlain(nullptr, nullptr), nullptr);
}

// Random texts made of pieces whose escaped form is known: the escaper's output is the pieces' forms in turn.
TEST(JsonPlain, EscapingRandomTextsIsTheEscapingOfTheirPieces) {
  const std::vector<std::pair<std::string, std::string>> pieces = {
      {"a", "a"},
      {"0123456789abcdefXYZ", "0123456789abcdefXYZ"},
      {"\"", "\\\""},
      {"\\", "\\\\"},
      {"\n", "\\n"},
      {"\t", "\\t"},
      {std::string(1, '\0'), "\\u0000"},
      {"\x1f", "\\u001f"},
      {"<", "\\u003c"},
      {">", "\\u003e"},
      {"&", "\\u0026"},
      {"\x7f", "\x7f"},
      {"\xC3\xA9", "\xC3\xA9"},
      {"\xF0\x9F\x90\xAF", "\xF0\x9F\x90\xAF"},
      {"\xE2\x80\xA8", "\\u2028"},
      {"\xFF", "\\ufffd"},
  };
  std::mt19937 rng(11);
  for (int round = 0; round < 3000; ++round) {
    std::string text, expected;
    const int n = static_cast<int>(rng() % 24);
    for (int i = 0; i < n; ++i) {
      const auto& [raw, escaped] = pieces[rng() % pieces.size()];
      text += raw;
      expected += escaped;
    }
    ASSERT_EQ(JsonEscape(text), expected) << text;
  }
}

// A header value of 40 bytes with one byte changed at each position: the fast decoder takes it exactly when the byte
// is plain, and then agrees with the general decoder.
TEST(JsonPlain, ReplyDecoderDeclinesEveryNonPlainByteAtEveryPosition) {
  for (const char c : {'"', '\\', '<', '>', '&', '\x01', '\x80', 'z'}) {
    for (size_t at = 0; at < 40; ++at) {
      std::string value(40, 'v');
      value[at] = c;
      const std::string json = R"({"Headers":{"X":")" + value + R"("},"StatusCode":200})";
      HttpReply fast;
      const bool took = DecodeCanonicalHttpReply(json, &fast);
      EXPECT_EQ(took, c == 'z') << "byte " << static_cast<int>(c) << " at " << at;
      if (took) {
        ASSERT_EQ(fast.headers.size(), 1u);
        EXPECT_EQ(fast.headers[0].second, value);
      }
    }
  }
}

}  // namespace
}  // namespace capsule::internal
