// Trap wordings (capsule/trap.h), and every trap of WebAssembly 2.0 on every backend in those words.
#include <gtest/gtest.h>

#include "capsule/engine.h"
#include "engine/test_backends.h"

namespace capsule {
namespace {

using testing::BackendTest;

TEST(TrapWordingTest, KindsAndMessages) {
  EXPECT_EQ(TrapMessage(TrapKind::kIntegerDivideByZero), "integer divide by zero");
  EXPECT_EQ(TrapMessage(TrapKind::kUnreachable, "at f"), "unreachable (at f)");
  EXPECT_EQ(TrapKindOf("out of bounds memory access (at f)"), TrapKind::kMemoryOutOfBounds);
  EXPECT_EQ(TrapKindOf("uninitialized element 2"), TrapKind::kUninitializedElement);
  // The longest wording wins: a two-trap kind is not taken for the first of its pair.
  EXPECT_EQ(TrapKindOf("integer overflow or invalid conversion to integer"), TrapKind::kOverflowOrInvalidConversion);
  EXPECT_EQ(TrapKindOf("integer overflow"), TrapKind::kIntegerOverflow);
  EXPECT_EQ(TrapKindOf("disk on fire"), std::nullopt);
  EXPECT_TRUE(TrapMayBe(TrapKind::kUninitializedOrTypeMismatch, TrapKind::kIndirectCallTypeMismatch));
  EXPECT_TRUE(TrapMayBe(TrapKind::kUninitializedOrTypeMismatch, TrapKind::kUninitializedElement));
  EXPECT_TRUE(TrapMayBe(TrapKind::kOverflowOrInvalidConversion, TrapKind::kInvalidConversionToInteger));
  EXPECT_TRUE(TrapMayBe(TrapKind::kUnreachable, TrapKind::kUnreachable));
  EXPECT_FALSE(TrapMayBe(TrapKind::kIntegerOverflow, TrapKind::kOverflowOrInvalidConversion));
  EXPECT_FALSE(TrapMayBe(TrapKind::kUndefinedElement, TrapKind::kTableOutOfBounds));
}

class TrapTest : public BackendTest {};

TEST_P(TrapTest, EveryTrapInTheSpecsWords) {
  auto instance = context_->Instantiate(Guest("engine_traps"), std::make_shared<Linker>());
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  const std::pair<const char*, TrapKind> cases[] = {
      {"unreachable", TrapKind::kUnreachable},
      {"div_by_zero", TrapKind::kIntegerDivideByZero},
      {"div_overflow", TrapKind::kIntegerOverflow},
      {"trunc_nan", TrapKind::kInvalidConversionToInteger},
      {"trunc_overflow", TrapKind::kIntegerOverflow},
      {"memory_oob", TrapKind::kMemoryOutOfBounds},
      {"table_oob", TrapKind::kTableOutOfBounds},
      {"undefined_element", TrapKind::kUndefinedElement},
      {"uninitialized_element", TrapKind::kUninitializedElement},
      {"type_mismatch", TrapKind::kIndirectCallTypeMismatch},
      {"exhaust", TrapKind::kCallStackExhausted},
  };
  for (const auto& [name, kind] : cases) {
    auto r = (*instance)->Call(name, {});
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error().code, ErrorCode::kTrap) << name << ": " << r.error().message;
    auto reported = TrapKindOf(r.error().message);
    ASSERT_TRUE(reported.has_value()) << name << ": " << r.error().message;
    // A backend may report a pair of traps it cannot tell apart as one kind (trap.h); never another trap.
    EXPECT_TRUE(TrapMayBe(*reported, kind)) << name << ": " << r.error().message;
  }
}

TEST_P(TrapTest, StartFunctionTrapIsATrap) {
  auto instance = context_->Instantiate(Guest("engine_start_trap"), std::make_shared<Linker>());
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().code, ErrorCode::kTrap) << instance.error().message;
  EXPECT_EQ(TrapKindOf(instance.error().message), TrapKind::kUnreachable) << instance.error().message;
  EXPECT_NE(instance.error().message.find("start function"), std::string::npos) << instance.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, TrapTest, ::testing::ValuesIn(testing::TestBackends()));

}  // namespace
}  // namespace capsule
