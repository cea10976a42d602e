// Unit tests of the spec runner's value parsing and result matching.
#include "spec_values.h"

#include <gtest/gtest.h>

namespace capsule::spec {
namespace {

using nlohmann::json;

Value Parse(const char* text, ExternRefs& refs) {
  auto v = ParseValue(json::parse(text), refs);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value{};
}

bool Match(const char* expected, const Value& actual) {
  ExternRefs refs;
  auto m = Matches(json::parse(expected), actual, refs);
  EXPECT_TRUE(m.ok()) << expected;
  return m.ok() && *m;
}

TEST(SpecValues, NumbersAreUnsignedBitPatterns) {
  ExternRefs refs;
  EXPECT_EQ(Parse(R"({"type": "i32", "value": "4294967295"})", refs).i32(), -1);
  EXPECT_EQ(Parse(R"({"type": "i64", "value": "18446744073709551615"})", refs).i64(), -1);
  EXPECT_EQ(Parse(R"({"type": "f32", "value": "2141192192"})", refs).f32_bits(), 0x7fa00000u);  // signaling NaN
  EXPECT_EQ(Parse(R"({"type": "f64", "value": "9221120237041090560"})", refs).f64_bits(), 0x7ff8000000000000u);
  EXPECT_FALSE(ParseValue(json::parse(R"({"type": "i32", "value": "x"})"), refs).ok());
}

TEST(SpecValues, NanPatterns) {
  EXPECT_TRUE(Match(R"({"type": "f32", "value": "nan:canonical"})", Value::F32Bits(0xffc00000)));
  EXPECT_FALSE(Match(R"({"type": "f32", "value": "nan:canonical"})", Value::F32Bits(0x7fc00001)));
  EXPECT_TRUE(Match(R"({"type": "f32", "value": "nan:arithmetic"})", Value::F32Bits(0x7fc00001)));
  EXPECT_FALSE(Match(R"({"type": "f32", "value": "nan:arithmetic"})", Value::F32Bits(0x7fa00000)));
  EXPECT_TRUE(Match(R"({"type": "f64", "value": "nan:canonical"})", Value::F64Bits(0x7ff8000000000000)));
  EXPECT_TRUE(Match(R"({"type": "f64", "value": "nan:arithmetic"})", Value::F64Bits(0xfff8000000000001)));
  EXPECT_FALSE(Match(R"({"type": "f64", "value": "nan:arithmetic"})", Value::F64Bits(0x7ff0000000000001)));
  // Exact bits: a NaN's payload and sign count.
  EXPECT_FALSE(Match(R"({"type": "f32", "value": "2143289344"})", Value::F32Bits(0xffc00000)));
  EXPECT_FALSE(Match(R"({"type": "f32", "value": "0"})", Value::I32(0)));  // another type
}

TEST(SpecValues, V128Lanes) {
  ExternRefs refs;
  Value v =
      Parse(R"({"type": "v128", "lane_type": "i16", "value": ["1", "2", "3", "4", "5", "6", "7", "65535"]})", refs);
  EXPECT_EQ(v.v128().lane<uint16_t>(0), 1);
  EXPECT_EQ(v.v128().lane<int16_t>(7), -1);
  EXPECT_TRUE(
      Match(R"({"type": "v128", "lane_type": "i64", "value": ["1125912791875585", "18446462628798005253"]})", v));
  V128 nans{};
  nans.set_lane<uint32_t>(0, 0x7fc00000);
  nans.set_lane<uint32_t>(1, 0xffc00123);
  EXPECT_TRUE(Match(R"({"type": "v128", "lane_type": "f32", "value": ["nan:canonical", "nan:arithmetic", "0", "0"]})",
                    Value::V128(nans)));
  EXPECT_FALSE(Match(R"({"type": "v128", "lane_type": "f32", "value": ["nan:canonical", "nan:canonical", "0", "0"]})",
                     Value::V128(nans)));
}

TEST(SpecValues, References) {
  ExternRefs refs;
  Value one = Parse(R"({"type": "externref", "value": "1"})", refs);
  EXPECT_EQ(one.externref(), refs.Get(1));
  EXPECT_NE(refs.Get(1), refs.Get(2));
  EXPECT_TRUE(Parse(R"({"type": "funcref", "value": "null"})", refs).is_null());
  auto m = Matches(json::parse(R"({"type": "externref", "value": "1"})"), one, refs);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(*m);
  EXPECT_TRUE(Match(R"({"type": "externref"})", Value::ExternRef(&refs)));  // any non-null
  EXPECT_FALSE(Match(R"({"type": "externref"})", Value::ExternRef(nullptr)));
  EXPECT_FALSE(ParseValue(json::parse(R"({"type": "funcref", "value": "3"})"), refs).ok());
  EXPECT_EQ(Describe(one, refs), "externref:1");
}

}  // namespace
}  // namespace capsule::spec
