// End-to-end: handlers of real guests (tests/guests/abi) called through the ABI adapter on the real engine.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "abi/guest_harness.h"
#include "capsule/abi.h"

namespace capsule {
namespace {

using testing::Guest;
using ::testing::HasSubstr;

std::unique_ptr<Guest> StartOrDie(std::string_view name, HostOptions host = {}) {
  auto guest = Guest::Start(name, std::move(host));
  EXPECT_TRUE(guest.ok()) << guest.error().message;
  return guest.ok() ? std::move(*guest) : nullptr;
}

Reply CallOk(Instance& instance, std::string_view input) {
  auto reply = CallHandle(instance, input);
  EXPECT_TRUE(reply.ok()) << reply.error().message;
  return reply.ok() ? *reply : Reply{false, "call failed", 0};
}

TEST(CurrentAbi, CallHandleRoundTrip) {
  auto guest = StartOrDie("abi_current");
  ASSERT_TRUE(guest);
  EXPECT_EQ(InstanceAbi(guest->instance()), AbiKind::kCurrent);
  Reply reply = CallOk(guest->instance(), "Bob");
  EXPECT_TRUE(reply.ok);
  EXPECT_EQ(reply.data, "Hello Bob");
}

TEST(CurrentAbi, FailureIsAReplyNotAnError) {
  auto guest = StartOrDie("abi_current");
  ASSERT_TRUE(guest);
  Reply reply = CallOk(guest->instance(), "fail:it went wrong");
  EXPECT_FALSE(reply.ok);
  EXPECT_EQ(reply.data, "it went wrong");
}

TEST(CurrentAbi, EmptyInputAndEmptyPayload) {
  auto guest = StartOrDie("abi_current");
  ASSERT_TRUE(guest);
  Reply reply = CallOk(guest->instance(), "");
  EXPECT_TRUE(reply.ok);
  EXPECT_EQ(reply.data, "");
}

TEST(CurrentAbi, CallHandleJSON) {
  auto guest = StartOrDie("abi_current");
  ASSERT_TRUE(guest);
  auto reply = CallHandleJSON(guest->instance(), R"({"name":"Bob","age":42})");
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_TRUE(reply->ok);
  EXPECT_EQ(reply->data, R"(JSON {"name":"Bob","age":42})");

  auto bad = CallHandleJSON(guest->instance(), "not json");
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->ok);
  EXPECT_EQ(bad->data, "expected a JSON object");
}

TEST(CurrentAbi, ManyCallsAndLargeInput) {
  auto guest = StartOrDie("abi_current");
  ASSERT_TRUE(guest);
  for (int i = 0; i < 500; ++i) {
    Reply reply = CallOk(guest->instance(), "n" + std::to_string(i));
    ASSERT_EQ(reply.data, "Hello n" + std::to_string(i));
  }
  std::string big(3 << 20, 'x');  // grows the guest memory
  Reply reply = CallOk(guest->instance(), big);
  EXPECT_EQ(reply.data.size(), big.size() + 6);
  EXPECT_EQ(reply.data.substr(0, 7), "Hello x");
}

TEST(CurrentAbi, MissingOrMistypedExport) {
  auto guest = StartOrDie("abi_current");
  ASSERT_TRUE(guest);
  auto missing = CallHandler(guest->instance(), "callHandleNothing", "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  auto mistyped = CallHandler(guest->instance(), "allocateBuffer", "x");
  ASSERT_FALSE(mistyped.ok());
  EXPECT_EQ(mistyped.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(mistyped.error().message, HasSubstr("(i32, i32) -> (i64)"));
}

class GarbageGuest : public ::testing::Test {
 protected:
  void SetUp() override {
    guest_ = StartOrDie("abi_garbage");
    ASSERT_TRUE(guest_);
  }
  Error CallFails(std::string_view input) {
    auto reply = CallHandle(guest_->instance(), input);
    EXPECT_FALSE(reply.ok()) << "answered " << (reply.ok() ? reply->data : "");
    return reply.ok() ? Error{} : reply.error();
  }
  std::unique_ptr<Guest> guest_;
};

TEST_F(GarbageGuest, ResultOutsideMemory) {
  Error e = CallFails("outside");
  EXPECT_EQ(e.code, ErrorCode::kTrap);
  EXPECT_THAT(e.message, HasSubstr("bad result from callHandle"));
  EXPECT_THAT(e.message, HasSubstr("outside the guest memory"));
  e = CallFails("overlong");
  EXPECT_THAT(e.message, HasSubstr("outside the guest memory"));
  // The instance is still usable.
  EXPECT_EQ(CallOk(guest_->instance(), "fine").data, "ok");
}

TEST_F(GarbageGuest, ResultWithoutMarker) {
  Error e = CallFails("unmarked");
  EXPECT_EQ(e.code, ErrorCode::kTrap);
  EXPECT_THAT(e.message, HasSubstr("S or F marker"));
  e = CallFails("empty");
  EXPECT_THAT(e.message, HasSubstr("empty result"));
}

TEST_F(GarbageGuest, TrapIsAnError) {
  Error e = CallFails("trap");
  EXPECT_EQ(e.code, ErrorCode::kTrap);
}

TEST_F(GarbageGuest, AllocateBufferReturningNull) {
  Error e = CallFails("null-buffer");
  EXPECT_EQ(e.code, ErrorCode::kTrap);
  EXPECT_THAT(e.message, HasSubstr("hostTalk"));
  EXPECT_THAT(e.message, HasSubstr("null pointer"));
}

TEST_F(GarbageGuest, HostFunctionGivenBadPointers) {
  Error e = CallFails("bad-ret-ptr");
  EXPECT_EQ(e.code, ErrorCode::kTrap);
  EXPECT_THAT(e.message, HasSubstr("hostTalk"));
  EXPECT_THAT(e.message, HasSubstr("out of bounds"));
  e = CallFails("bad-msg");
  EXPECT_THAT(e.message, HasSubstr("hostPrintString"));
  EXPECT_THAT(e.message, HasSubstr("out of bounds"));
}

TEST(UnknownImport, InstantiationNamesTheImport) {
  auto guest = Guest::Start("abi_unknown_import");
  ASSERT_FALSE(guest.ok());
  EXPECT_EQ(guest.error().code, ErrorCode::kLinkError);
  EXPECT_THAT(guest.error().message, HasSubstr("hostDoesNotExist"));
}

TEST(LegacyAbi, CallHandleWithPositionalArguments) {
  auto guest = StartOrDie("abi_legacy");
  ASSERT_TRUE(guest);
  EXPECT_EQ(InstanceAbi(guest->instance()), AbiKind::kLegacy);
  Reply reply = CallOk(guest->instance(), JoinLegacyArgs(std::vector<std::string>{"hello", "Bob", "Alice"}));
  EXPECT_TRUE(reply.ok);
  EXPECT_EQ(reply.data, "Hello Bob,Alice");
}

TEST(LegacyAbi, ErrorStrings) {
  auto guest = StartOrDie("abi_legacy");
  ASSERT_TRUE(guest);
  Reply reply = CallOk(guest->instance(), "fail");
  EXPECT_FALSE(reply.ok);
  EXPECT_EQ(reply.data, "something went wrong");
  reply = CallOk(guest->instance(), "fail42");
  EXPECT_FALSE(reply.ok);
  EXPECT_EQ(reply.legacy_code, 42);
  EXPECT_EQ(reply.data, "bad]:thing (42)");
}

TEST(LegacyAbi, EmptyResultIsTheWordEmpty) {
  auto guest = StartOrDie("abi_legacy");
  ASSERT_TRUE(guest);
  Reply reply = CallOk(guest->instance(), "empty");
  EXPECT_TRUE(reply.ok);
  EXPECT_EQ(reply.data, "empty");
}

TEST(LegacyAbi, RequestParamsFromTheRunner) {
  auto guest = StartOrDie("abi_legacy");
  ASSERT_TRUE(guest);
  Reply missing = CallOk(guest->instance(), JoinLegacyArgs(std::vector<std::string>{"request", "7"}));
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.data, "key (requestId) does not exist");

  LegacyRequest request{7, R"({"a":1})", "Content-Type:application/json", "http://localhost/x", "POST"};
  guest->instance().data().set<LegacyRequest>(&request);
  Reply found = CallOk(guest->instance(), JoinLegacyArgs(std::vector<std::string>{"request", "7"}));
  guest->instance().data().set<LegacyRequest>(nullptr);
  EXPECT_TRUE(found.ok);
  EXPECT_EQ(found.data,
            JoinLegacyArgs(std::vector<std::string>{request.body, request.headers, request.uri, request.method}));
}

}  // namespace
}  // namespace capsule
