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

// The C SDK's handlers get their input NUL-terminated without a copy when the host placed it with the module's
// malloc (which keeps a NUL after it); input placed anywhere else is copied first, even against the end of memory.
TEST(CurrentAbi, CSdkInputNotPlacedByItsMallocIsCopied) {
  auto guest = StartOrDie("abi_current");
  ASSERT_TRUE(guest);
  Instance& instance = guest->instance();
  auto call = [&](uint64_t at, std::string_view bytes, uint32_t len) -> std::string {
    Memory* memory = instance.memory();
    if (!memory->Write(at, bytes.data(), bytes.size()).ok()) return "write failed";
    const Value args[] = {Value::I32(static_cast<int32_t>(at)), Value::I32(static_cast<int32_t>(len))};
    auto results = instance.Call("callHandle", args);
    if (!results.ok()) return "trap: " + results.error().message;
    const uint64_t packed = static_cast<uint64_t>((*results)[0].i64());
    auto text = instance.memory()->String(packed >> 32, packed & 0xffffffffu);
    return text.ok() ? std::string(*text) : "bad result";
  };
  auto malloced = instance.Call("malloc", std::vector<Value>{Value::I32(64)});
  ASSERT_TRUE(malloced.ok());
  const auto heap = static_cast<uint64_t>(static_cast<uint32_t>((*malloced)[0].i32()));
  EXPECT_EQ(call(heap, "cstr:BobXYZ", 8), "SBob");  // no NUL after the input: copied
  const uint64_t end = instance.memory()->size();
  EXPECT_EQ(call(end - 8, "cstr:Ann", 8), "SAnn");      // input up to the last byte of memory: copied, not overread
  EXPECT_EQ(CallOk(instance, "cstr:Eve").data, "Eve");  // placed by the host with malloc: in place
}

// The C SDK's JSON reader (capsule_json_get): strings unescaped (one copy when they hold no escape), other values
// as their text, and what it does with broken documents.
TEST(CurrentAbi, CSdkJsonGetUnescapesStringsAndCopiesValues) {
  auto guest = StartOrDie("abi_current");
  ASSERT_TRUE(guest);
  auto get = [&](std::string_view key, std::string_view doc) {
    Reply reply = CallOk(guest->instance(), "json:" + std::string(key) + ":" + std::string(doc));
    return reply.ok ? reply.data : "(" + reply.data + ")";
  };
  EXPECT_EQ(get("name", R"({"name":"Bob Morane","age":42})"), "Bob Morane");
  EXPECT_EQ(get("age", R"({"name":"Bob Morane","age":42})"), "42");
  EXPECT_EQ(get("a", R"({"a" : {"b":[1,"x}"]} ,"c":1})"), R"({"b":[1,"x}"]})");
  EXPECT_EQ(get("e", R"({"e":""})"), "");
  EXPECT_EQ(get("s", R"({"s":"a\"b\\c\/d\ne\tf"})"), "a\"b\\c/d\ne\tf");
  EXPECT_EQ(get("u", R"({"u":"caf\u00e9 \ud83d\ude00 \u4e2d"})"), "caf\xC3\xA9 \xF0\x9F\x98\x80 \xE4\xB8\xAD");
  EXPECT_EQ(get("raw", "{\"raw\":\"caf\xC3\xA9\"}"), "caf\xC3\xA9");
  EXPECT_EQ(get("open", R"({"open":"no end)"), "no end");  // unterminated: up to the end of the text
  EXPECT_EQ(get("tail", R"({"tail":"ab\)"), "ab");         // a lone backslash at the end is dropped
  EXPECT_EQ(get("tail", R"({"tail":"ab\")"), "ab\"");      // an escaped quote does not end the string
  EXPECT_EQ(get("k", R"({"x":"k","k":"second"})"), "second");
  EXPECT_EQ(get("missing", R"({"name":"Bob"})"), "(missing)");
  const std::string long_value(5000, 'v');
  EXPECT_EQ(get("big", "{\"big\":\"" + long_value + "\",\"after\":1}"), long_value);
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
