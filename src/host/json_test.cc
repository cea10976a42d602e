// The JSON helpers of the host functions.
#include "host/json.h"

#include <gtest/gtest.h>

namespace capsule::host {
namespace {

TEST(Json, QuotesLikeGo) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\te\r"), "\"a\\\"b\\\\c\\nd\\te\\r\"");
  EXPECT_EQ(JsonQuote("<a>&"), "\"\\u003ca\\u003e\\u0026\"");
  EXPECT_EQ(JsonQuote(std::string("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(JsonQuote("\xE2\x80\xA8"), "\"\\u2028\"");
  EXPECT_EQ(JsonQuote("h\xC3\xA9"), "\"h\xC3\xA9\"");
  EXPECT_EQ(JsonKeys({"a", "b\""}), "{\"keys\":[\"a\",\"b\\\"\"]}");
  EXPECT_EQ(JsonKeys({}), "{\"keys\":[]}");
}

TEST(Json, ObjectMembersKeepRawValues) {
  auto members = ParseJsonObject(" {\"URI\":\"http://x\", \"JSONBody\": {\"a\":[1,{\"b\":null}]}, \"N\":-1.5e3 } ");
  ASSERT_TRUE(members.ok()) << members.error().message;
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[0].first, "URI");
  EXPECT_EQ((*members)[0].second, "\"http://x\"");
  EXPECT_EQ((*members)[1].second, "{\"a\":[1,{\"b\":null}]}");
  EXPECT_EQ((*members)[2].second, "-1.5e3");
  EXPECT_TRUE(ParseJsonObject("{}").ok());
}

TEST(Json, LenientButNotBlind) {
  auto raw_newline = ParseJsonObject("{\"TextBody\":\"two\nlines\"}");
  ASSERT_TRUE(raw_newline.ok());
  EXPECT_EQ(JsonStringContent((*raw_newline)[0].second), "two\nlines");
  EXPECT_FALSE(ParseJsonObject("{\"a\":\"unescaped \"quote\"}").ok());
  EXPECT_FALSE(ParseJsonObject("{\"a\":1").ok());
  EXPECT_FALSE(ParseJsonObject("[1]").ok());
  EXPECT_FALSE(ParseJsonObject("{\"a\":1} trailing").ok());
  EXPECT_FALSE(ParseJsonObject(std::string(1000, '[')).ok());
}

TEST(Json, StringContentDecodesEscapes) {
  EXPECT_EQ(JsonStringContent("\"a\\nb\\u00e9\\ud83d\\ude00\\/\""), "a\nb\xC3\xA9\xF0\x9F\x98\x80/");
  EXPECT_EQ(JsonStringContent("42"), "42");
  EXPECT_TRUE(IsJsonValue(" {\"a\":[true,false,null]} "));
  EXPECT_FALSE(IsJsonValue("{\"a\":1} x"));
  EXPECT_FALSE(IsJsonValue(""));
}

}  // namespace
}  // namespace capsule::host
