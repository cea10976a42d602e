// The message side of the ABI: entries, the JSON envelope, base64, the error header.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "capsule/http_abi.h"
#include "capsule/message_abi.h"

namespace capsule {
namespace {

ModuleInfo Exporting(std::initializer_list<const char*> names) {
  ModuleInfo info;
  for (const char* name : names) info.exports.push_back({name, ExternKind::kFunc, {}});
  return info;
}

TEST(MessageEntry, TheRichestEntryWins) {
  EXPECT_EQ(MessageEntryOf(Exporting({"callHandle", "callHandleMessage"}), "nats"), MessageEntry::kEnvelope);
  EXPECT_EQ(MessageEntryOf(Exporting({"callHandle", "callNatsMessageHandle"}), "nats"), MessageEntry::kLegacy);
  EXPECT_EQ(MessageEntryOf(Exporting({"callNatsMessageHandle"}), "mqtt"), MessageEntry::kNone);
  EXPECT_EQ(MessageEntryOf(Exporting({"callMqttMessageHandle"}), "mqtt"), MessageEntry::kLegacy);
  EXPECT_EQ(MessageEntryOf(Exporting({"callHandle"}), "mqtt"), MessageEntry::kHandle);
  EXPECT_EQ(MessageEntryOf(Exporting({"callHandleHTTP"}), "nats"), MessageEntry::kNone);
  EXPECT_EQ(MessageEntryName(MessageEntry::kLegacy, "mqtt"), "callMqttMessageHandle");
}

TEST(MessageEnvelope, CarriesEverythingAsJson) {
  Message m;
  m.protocol = "nats";
  m.subject = "orders.new";
  m.reply = "_INBOX.1";
  m.headers = {{"Trace", "a"}, {"Kind", "x<y"}, {"Trace", "b"}};
  m.data = "hi \"you\"\n\xFF";
  m.stream = "ORDERS";
  m.sequence = 7;
  m.deliveries = 2;
  const std::string text = EncodeMessageEnvelope(m);
  auto doc = nlohmann::json::parse(text, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << text;
  EXPECT_EQ(doc["Protocol"], "nats");
  EXPECT_EQ(doc["Subject"], "orders.new");
  EXPECT_EQ(doc["Reply"], "_INBOX.1");
  EXPECT_EQ(doc["Headers"]["Trace"], nlohmann::json::array({"a", "b"}));
  EXPECT_EQ(doc["Headers"]["Kind"], nlohmann::json::array({"x<y"}));
  EXPECT_EQ(doc["Data"], "hi \"you\"\n\xEF\xBF\xBD");  // the invalid byte as U+FFFD
  std::string exact;
  ASSERT_TRUE(DecodeBase64(doc["DataBase64"].get<std::string>(), &exact));
  EXPECT_EQ(exact, m.data);
  EXPECT_EQ(doc["Stream"], "ORDERS");
  EXPECT_EQ(doc["Sequence"], 7);
  EXPECT_EQ(doc["Deliveries"], 2);
  EXPECT_EQ(doc["QoS"], 0);
  EXPECT_EQ(doc["Retain"], false);
  EXPECT_NE(text.find("x\\u003cy"), std::string::npos) << text;  // escaped as Go does
}

TEST(MessageEnvelope, EmptyMessage) {
  Message m;
  m.protocol = "mqtt";
  m.subject = "t";
  EXPECT_EQ(EncodeMessageEnvelope(m),
            R"({"Protocol":"mqtt","Subject":"t","Reply":"","Headers":{},"Data":"","DataBase64":"","QoS":0,)"
            R"("Retain":false,"Stream":"","Sequence":0,"Deliveries":0})");
}

TEST(Base64, EncodesWithPaddingAndRoundTrips) {
  EXPECT_EQ(EncodeBase64(""), "");
  EXPECT_EQ(EncodeBase64("f"), "Zg==");
  EXPECT_EQ(EncodeBase64("fo"), "Zm8=");
  EXPECT_EQ(EncodeBase64("foo"), "Zm9v");
  EXPECT_EQ(EncodeBase64("foobar"), "Zm9vYmFy");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  std::string back;
  ASSERT_TRUE(DecodeBase64(EncodeBase64(all), &back));
  EXPECT_EQ(back, all);
}

TEST(CapsuleErrorHeader, OneLineAndBounded) {
  EXPECT_EQ(CapsuleErrorHeaderValue("bad\r\nthing"), "bad  thing");
  EXPECT_EQ(CapsuleErrorHeaderValue(std::string(5000, 'x')).size(), 1000u);
  EXPECT_EQ(CapsuleErrorHeaderValue(std::string("nul\0bell\a\ttab", 13)), "nul bell \ttab");
  EXPECT_TRUE(IsSafeHeaderValue(CapsuleErrorHeaderValue(std::string("a\0b", 3))));
  // A character that does not fit whole is left out, not cut: 999 bytes + a 2-byte character -> 999 bytes.
  EXPECT_EQ(CapsuleErrorHeaderValue(std::string(999, 'x') + "\xc3\xa9 and more"), std::string(999, 'x'));
  EXPECT_EQ(CapsuleErrorHeaderValue(std::string(998, 'x') + "\xc3\xa9 and more"), std::string(998, 'x') + "\xc3\xa9");
  EXPECT_EQ(CapsuleErrorHeaderValue(std::string(1000, 'x') + "\xc3\xa9"), std::string(1000, 'x'));
}

}  // namespace
}  // namespace capsule
