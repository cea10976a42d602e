#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "capsule/abi.h"

namespace capsule {
namespace {

TEST(DecodeCurrentReply, SuccessFailureAndEmptyPayload) {
  auto ok = DecodeCurrentReply("Shello");
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->data, "hello");

  auto failed = DecodeCurrentReply("Fboom");
  ASSERT_TRUE(failed.ok());
  EXPECT_FALSE(failed->ok);
  EXPECT_EQ(failed->data, "boom");

  auto empty = DecodeCurrentReply("S");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->ok);
  EXPECT_EQ(empty->data, "");
}

TEST(DecodeCurrentReply, MissingMarkerIsAnError) {
  auto none = DecodeCurrentReply("");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kTrap);
  EXPECT_NE(none.error().message.find("empty result"), std::string::npos);

  auto bad = DecodeCurrentReply("Xabc");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("0x58"), std::string::npos) << bad.error().message;
}

TEST(DecodeLegacyReply, PlainStringsAreSuccess) {
  Reply r = DecodeLegacyReply("Hello Bob");
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.data, "Hello Bob");
  EXPECT_TRUE(DecodeLegacyReply("").ok);
}

TEST(DecodeLegacyReply, ErrorStrings) {
  Reply r = DecodeLegacyReply("[ERR][0]:MESSAGE is empty");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.data, "MESSAGE is empty");
  EXPECT_EQ(r.legacy_code, 0);

  r = DecodeLegacyReply("[ERR][404]:not]:found");  // Capsule cut the message at the second "]:"
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.data, "not]:found (404)");
  EXPECT_EQ(r.legacy_code, 404);

  r = DecodeLegacyReply("[ERR]odd");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.data, "odd");
}

TEST(JoinLegacyArgs, JoinsWithSuperscriptTwo) {
  EXPECT_EQ(JoinLegacyArgs(std::vector<std::string>{"a", "b c", ""}),
            "a\xC2\xB2"
            "b c\xC2\xB2");
  EXPECT_EQ(JoinLegacyArgs(std::vector<std::string>{}), "");
}

TEST(HostReplies, EncodeByGeneration) {
  EXPECT_EQ(HostSuccess(AbiKind::kCurrent, "data"), "Sdata");
  EXPECT_EQ(HostFailure(AbiKind::kCurrent, "oops"), "Foops");
  EXPECT_EQ(HostSuccess(AbiKind::kLegacy, "data"), "data");
  EXPECT_EQ(HostFailure(AbiKind::kLegacy, "oops"), "[ERR][0]:oops");
}

}  // namespace
}  // namespace capsule
