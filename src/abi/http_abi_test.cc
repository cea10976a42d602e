// Unit tests of the HTTP encoding of the Capsule ABI: request JSON, response rules, legacy results.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "capsule/http_abi.h"

namespace capsule {
namespace {

Reply Ok(std::string data) {
  return Reply{true, std::move(data), 0};
}

TEST(HttpRequestJson, CapsuleShapeWithEscapedValues) {
  HttpRequest req{
      "POST", "http://h:1/p?q=1", {{"Content-Type", "application/json"}, {"X-Q", "a\"b"}}, "{\"name\":\"Bob\"}\n"};
  const std::string json = EncodeHttpRequestJson(req);
  auto doc = nlohmann::json::parse(json);
  EXPECT_EQ(doc["Body"], "{\"name\":\"Bob\"}\n");
  EXPECT_EQ(doc["JSONBody"], "");
  EXPECT_EQ(doc["TextBody"], "");
  EXPECT_EQ(doc["URI"], "http://h:1/p?q=1");
  EXPECT_EQ(doc["Method"], "POST");
  EXPECT_EQ(doc["Headers"], "\"Content-Type\":\"application/json\",\"X-Q\":\"a\\\"b\"");
  EXPECT_EQ(json.rfind("{\"Body\":", 0), 0u);
}

TEST(HttpRequestJson, EscapesControlCharacters) {
  EXPECT_EQ(JsonEscape(std::string("a\x01\t\\", 4)), "a\\u0001\\t\\\\");
  EXPECT_EQ(JsonEscape("h\xC3\xA9"), "h\xC3\xA9");
}

// Byte for byte what Go's encoding/json writes (Capsule's host marshalled the request with it).
TEST(HttpRequestJson, EscapesAsGoDoes) {
  EXPECT_EQ(JsonEscape("<a href=\"x\">&</a>"), "\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e");
  EXPECT_EQ(JsonEscape("\b\f\x7f"), "\\u0008\\u000c\x7f");
  EXPECT_EQ(JsonEscape("a\xE2\x80\xA8"
                       "b\xE2\x80\xA9"),
            "a\\u2028b\\u2029");
  EXPECT_EQ(JsonEscape("\xff\xC0\xAF\xED\xA0\x80x"), "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffdx");
  EXPECT_EQ(JsonEscape("\xF0\x9F\x90\xAF\xF0\x9F"), "\xF0\x9F\x90\xAF\\ufffd\\ufffd");
}

TEST(HttpReplyDecode, StatusHeadersAndJsonBody) {
  auto r = DecodeHttpReply(Ok(R"({"JSONBody":{"a":1},"TextBody":"","Headers":{"X":"y"},"StatusCode":201})"), "h");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"a":1})");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "X");
  EXPECT_EQ(r.headers[0].second, "y");
}

// JSONBody comes out as Capsule's Go host re-marshals it: sorted keys, HTML-safe strings, Go's float format.
TEST(HttpReplyDecode, JsonBodyIsPrintedAsGoPrintsIt) {
  auto r = DecodeHttpReply(
      Ok(R"({"JSONBody":{"z":3.0,"h":"<b>&</b>","f":1.5,"e":1e-7,"big":1e21,"n":-0.000001,"i":42,"s":"\u2028"}})"),
      "h");
  EXPECT_EQ(r.body, R"({"big":1e+21,"e":1e-7,"f":1.5,"h":"\u003cb\u003e\u0026\u003c/b\u003e","i":42,"n":-0.000001,)"
                    R"("s":"\u2028","z":3})");
}

// Go's json.Unmarshal turns bytes that are not UTF-8 into U+FFFD instead of failing.
TEST(HttpReplyDecode, InvalidUtf8BecomesTheReplacementCharacter) {
  auto r = DecodeHttpReply(Ok("{\"JSONBody\":{\"a\":\"x\xffy\"},\"StatusCode\":200}"), "h");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"a\":\"x\xEF\xBF\xBDy\"}");
}

TEST(HttpReplyDecode, ZeroStatusIs200AndMissingBodyIsEmptyObject) {
  auto r = DecodeHttpReply(Ok(R"({"StatusCode":0})"), "h");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
}

TEST(HttpReplyDecode, TextBodyIsBase64Decoded) {
  auto r = DecodeHttpReply(Ok(R"({"JSONBody":{"ignored":true},"TextBody":"PGI+aGk8L2I+","StatusCode":200})"), "h");
  EXPECT_EQ(r.body, "<b>hi</b>");
  std::string out;
  EXPECT_TRUE(DecodeBase64("YQ", &out));
  EXPECT_EQ(out, "a");
  EXPECT_FALSE(DecodeBase64("a*b", &out));
}

TEST(HttpReplyDecode, FailuresAndGarbageAre500) {
  auto f = DecodeHttpReply(Reply{false, "broken", 0}, "callHandleHTTP");
  EXPECT_EQ(f.status, 500);
  EXPECT_EQ(f.body, "broken");
  for (const char* bad :
       {"not json", "[1,2]", R"({"StatusCode":"x"})", R"({"StatusCode":42})", R"({"TextBody":"***"})"}) {
    auto g = DecodeHttpReply(Ok(bad), "callHandleHTTP");
    EXPECT_EQ(g.status, 500) << bad;
    EXPECT_NE(g.body.find("callHandleHTTP"), std::string::npos) << g.body;
  }
}

TEST(LegacyHttp, HeadersJoinedWithSuperscriptThree) {
  HttpRequest req{"GET", "/", {{"A", "1"}, {"B", "2"}}, ""};
  EXPECT_EQ(JoinLegacyHeaders(req),
            "A:1\xC2\xB3"
            "B:2");
}

TEST(LegacyHttp, BodyAndHeaders) {
  auto r = DecodeLegacyHttpReply(Ok("[BODY]{\"a\":1}[HEADERS]Content-Type:application/json\xC2\xB2X-A: b"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"a\":1}");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].second, "application/json");
  EXPECT_EQ(r.headers[1].first, "X-A");
  EXPECT_EQ(r.headers[1].second, "b");
  EXPECT_EQ(DecodeLegacyHttpReply(Ok("plain")).body, "plain");
  auto e = DecodeLegacyHttpReply(DecodeLegacyReply("[ERR][3]:bad"));
  EXPECT_EQ(e.status, 500);
  EXPECT_NE(e.body.find("bad"), std::string::npos);
}

}  // namespace
}  // namespace capsule
