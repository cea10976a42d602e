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

TEST(HttpRequestHeaders, NamesAreCanonicalAsGoMadeThem) {
  EXPECT_EQ(CanonicalHeaderName("my-token"), "My-Token");
  EXPECT_EQ(CanonicalHeaderName("X-MY-TOKEN"), "X-My-Token");
  EXPECT_EQ(CanonicalHeaderName("content-type"), "Content-Type");
  EXPECT_EQ(CanonicalHeaderName("a--b"), "A--B");
  EXPECT_EQ(CanonicalHeaderName("x_y-1a"), "X_y-1a");
  EXPECT_EQ(CanonicalHeaderName(""), "");
  // Not a token (a space, a colon, non-ASCII): Go leaves it as it is.
  EXPECT_EQ(CanonicalHeaderName("bad name"), "bad name");
  EXPECT_EQ(CanonicalHeaderName("caf\xC3\xA9-x"), "caf\xC3\xA9-x");
}

TEST(HttpRequestHeaders, CurrentJsonHasOneCanonicalEntryPerNameTheLastValueWinning) {
  HttpRequest req{"GET", "http://h/", {{"my-token", "a"}, {"Host", "h"}, {"MY-TOKEN", "b"}}, ""};
  const std::string json = EncodeHttpRequestJson(req);
  EXPECT_NE(json.find(R"("Headers":"\"My-Token\":\"b\",\"Host\":\"h\"")"), std::string::npos) << json;
}

// Capsule's runners, by callHandleHttp generation: v0.1.x joined "Name:Value" with "|", v0.1.9-v0.2.8 with "²",
// v0.2.9+ (request id) with "³".
TEST(LegacyHttp, HeaderSeparatorFollowsTheShape) {
  HttpRequest req{"GET", "/", {{"a", "1"}, {"B-c", "2"}}, ""};
  EXPECT_EQ(JoinLegacyHeaders(req, LegacyHttpShape::kBodyHeaders), "A:1|B-C:2");
  EXPECT_EQ(JoinLegacyHeaders(req, LegacyHttpShape::kFourStrings),
            "A:1\xC2\xB2"
            "B-C:2");
  EXPECT_EQ(JoinLegacyHeaders(req, LegacyHttpShape::kRequestId),
            "A:1\xC2\xB3"
            "B-C:2");
}

TEST(LegacyHttp, RepeatedHeadersKeepTheValueTheirGoServerKept) {
  HttpRequest req{"GET", "/", {{"X-A", "first"}, {"x-a", "second"}}, ""};
  EXPECT_EQ(JoinLegacyHeaders(req, LegacyHttpShape::kBodyHeaders), "X-A:first");  // net/http: Header[k][0]
  EXPECT_EQ(JoinLegacyHeaders(req, LegacyHttpShape::kFourStrings), "X-A:first");
  EXPECT_EQ(JoinLegacyHeaders(req, LegacyHttpShape::kRequestId), "X-A:second");  // fasthttp into a map
}

TEST(LegacyHttp, ValuesArePassedRawForTheModuleToSplit) {
  HttpRequest req{"GET",
                  "/",
                  {{"Host", "h:8080"},
                   {"X-Sep",
                    "a|b\xC2\xB2"
                    "c\xC2\xB3"
                    "d"}},
                  ""};
  EXPECT_EQ(JoinLegacyHeaders(req, LegacyHttpShape::kBodyHeaders),
            "Host:h:8080|X-Sep:a|b\xC2\xB2"
            "c\xC2\xB3"
            "d");
}

TEST(LegacyHttp, BodyAndHeaders) {
  auto r = DecodeLegacyHttpReply(Ok("[BODY]{\"a\":1}[HEADERS]Content-Type:application/json\xC2\xB2X-A: b"),
                                 LegacyHttpShape::kRequestId);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"a\":1}");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].second, "application/json");
  EXPECT_EQ(r.headers[1].first, "X-A");
  EXPECT_EQ(r.headers[1].second, "b");
  EXPECT_EQ(DecodeLegacyHttpReply(Ok("plain"), LegacyHttpShape::kFourStrings).body, "plain");
  auto e = DecodeLegacyHttpReply(DecodeLegacyReply("[ERR][3]:bad"), LegacyHttpShape::kFourStrings);
  EXPECT_EQ(e.status, 500);
  EXPECT_NE(e.body.find("bad"), std::string::npos);
}

TEST(LegacyHttp, OldestAnswersJoinTheirHeadersWithABar) {
  auto r = DecodeLegacyHttpReply(Ok("[BODY]x[HEADERS]Content-Type:text/plain|X-A:b"), LegacyHttpShape::kBodyHeaders);
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].second, "text/plain");
  EXPECT_EQ(r.headers[1].first, "X-A");
  EXPECT_EQ(r.headers[1].second, "b");
  // "|" means nothing to the later shapes.
  auto later = DecodeLegacyHttpReply(Ok("[BODY]x[HEADERS]X-A:b|c"), LegacyHttpShape::kFourStrings);
  ASSERT_EQ(later.headers.size(), 1u);
  EXPECT_EQ(later.headers[0].second, "b|c");
}

}  // namespace
}  // namespace capsule
