// The fast reply decoder either declines or agrees with the general (document) decoder, byte for byte.
#include "abi/http_reply_fast.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace capsule::internal {
namespace {

void ExpectSame(const HttpReply& a, const HttpReply& b, const std::string& input) {
  EXPECT_EQ(a.status, b.status) << input;
  EXPECT_EQ(a.body, b.body) << input;
  EXPECT_EQ(a.headers, b.headers) << input;
}

// Decodes json both ways; returns whether the fast path took it.
bool Agrees(const std::string& json) {
  HttpReply fast;
  const bool took = DecodeCanonicalHttpReply(json, &fast);
  if (took) ExpectSame(fast, DecodeHttpReplyDocument(json, "h"), json);
  return took;
}

TEST(CanonicalHttpReply, TakesWhatTheSdksProduce) {
  for (
      const char* json : {
          R"({"JSONBody":{"message":"Bob Morane 42"},"TextBody":"","Headers":{"Content-Type":"application/json; charset=utf-8"},"StatusCode":200})",
          R"({"TextBody":"PGI+aGk8L2I+","Headers":{"Content-Type":"text/html"},"StatusCode":201})",
          R"({ "StatusCode" : 0 , "JSONBody" : null })",
          R"({"JSONBody":{"a":[1,-2,true,false,null,{"b":"c"}],"z":{}},"StatusCode":404})",
          R"({"JSONBody":"text","Headers":{}})",
          R"({"JSONBody":{"message":"Bob Morane 42","things":{"emoji":"🐯"}},"StatusCode":200})",
          "{\"JSONBody\":[\"\xc3\xa9\",\"\xe2\x82\xac\",\"\xf0\x9d\x84\x9e\",\"\x7f\"]}",
          R"({"JSONBody":""})",
          R"({})",
      })
    EXPECT_TRUE(Agrees(json)) << json;
}

TEST(CanonicalHttpReply, DeclinesWhatItWouldPrintDifferently) {
  for (const char* json : {
           R"({"JSONBody":{"b":1,"a":2}})",            // unsorted keys: the document sorts them
           R"({"JSONBody":{"a":1,"a":2}})",            // duplicate keys
           R"({"JSONBody":{"a": 1}})",                 // whitespace inside the body
           R"({"JSONBody":{"a":1.5}})",                // not an integer
           R"({"JSONBody":{"a":"<b>"}})",              // Go escapes <, > and &
           "{\"JSONBody\":{\"a\":\"\xe2\x80\xa8\"}}",  // and U+2028
           R"({"JSONBody":{"a":"\u00e9"}})",           // escapes
           "{\"JSONBody\":{\"a\":\"\xff\"}}",          // not UTF-8: the document replaces it
           "{\"JSONBody\":{\"a\":\"\xc0\xaf\"}}",      // an overlong form
           "{\"JSONBody\":{\"a\":\"\xed\xa0\x80\"}}",  // a surrogate
           "{\"JSONBody\":{\"a\":\"\xf0\x9f\"}}",      // a truncated sequence
           R"({"JSONBody":{"a":01}})",                 // not JSON
           R"({"StatusCode":42})",                     // an invalid status: the document reports it
           R"({"StatusCode":"200"})",                  // wrong type
           R"({"TextBody":"***"})",                    // not base64
           R"({"Headers":{"X":1}})",                   // a non-string header
           R"({"Headers":{"b":"1","a":"2"}})",         // unsorted header names
           R"({"StatusCode":200,"StatusCode":201})",   // duplicate member
           R"({"Other":1})",                           // unknown member
           R"({"StatusCode":200} x)",                  // trailing garbage
           R"([1])",
           "",
           "{",
           R"({"JSONBody":)",
       })
    EXPECT_FALSE(Agrees(json)) << json;
}

// Random replies built from canonical and non-canonical pieces: whenever the fast path takes one, it agrees.
TEST(CanonicalHttpReply, AgreesWithTheDocumentOnRandomReplies) {
  const std::vector<std::string> values = {"1",
                                           "-7",
                                           "0",
                                           "1.5",
                                           "true",
                                           "null",
                                           "\"x\"",
                                           "\"\"",
                                           "\"a b\"",
                                           "[]",
                                           "{}",
                                           "[1,2]",
                                           "{\"a\":1,\"b\":[true]}",
                                           "{\"b\":1,\"a\":2}",
                                           "\"\\n\"",
                                           "1e3",
                                           "-0",
                                           "[1, 2]",
                                           "\"\xc3\xa9\"",
                                           "\"\xe2\x82\"",
                                           "\"\xf4\x90\x80\x80\"",
                                           "\"a&b\"",
                                           "\"\xe2\x80\xa9\"",
                                           "2.5",
                                           "1e-9"};
  const std::vector<std::string> members = {"StatusCode", "Headers", "TextBody", "JSONBody", "Other"};
  std::mt19937 rng(7);
  int taken = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string json = "{";
    const int n = static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      if (i > 0) json += ',';
      const std::string& name = members[rng() % members.size()];
      json += "\"" + name + "\":";
      if (name == "Headers")
        json += rng() % 2 ? "{\"A\":\"1\",\"B\":\"2\"}" : "{\"B\":" + values[rng() % values.size()] + "}";
      else if (name == "StatusCode")
        json += rng() % 2 ? std::to_string(rng() % 1200) : values[rng() % values.size()];
      else if (name == "TextBody")
        json += rng() % 2 ? "\"aGk=\"" : values[rng() % values.size()];
      else
        json += values[rng() % values.size()];
    }
    json += "}";
    taken += Agrees(json);
  }
  EXPECT_GT(taken, 500);  // the comparison covered many accepted replies, not only refusals
}

}  // namespace
}  // namespace capsule::internal
