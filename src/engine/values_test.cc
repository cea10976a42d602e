// Every value type through the engine API, on every backend: floats bit for bit (NaN payloads included), v128,
// funcref and externref, in calls to the guest and to host functions, in globals and in tables.
#include <gtest/gtest.h>

#include "capsule/engine.h"
#include "engine/test_backends.h"

namespace capsule {
namespace {

using testing::BackendTest;
using enum ValType;

constexpr uint32_t kSignalingNan32 = 0x7fa00001;  // quiet bit clear: widening to double would set it
constexpr uint32_t kNegativeNan32 = 0xffc0beef;   // sign and payload
constexpr uint64_t kSignalingNan64 = 0x7ff0000000000001;
constexpr uint64_t kNegativeNan64 = 0xfff8dead0000beef;

V128 Lanes32(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  V128 v{};
  v.set_lane<uint32_t>(0, a);
  v.set_lane<uint32_t>(1, b);
  v.set_lane<uint32_t>(2, c);
  v.set_lane<uint32_t>(3, d);
  return v;
}

// Whether a and b are the same value, bit for bit (only the bytes of their type count).
bool SameBits(const Value& a, const Value& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case kI32:
    case kF32: return a.u32() == b.u32();
    case kV128: return a.v128() == b.v128();
    default: return a.i64() == b.i64();  // i64, f64 and the references: 8 bytes
  }
}

class ValuesTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    linker_ = std::make_shared<Linker>();
    // Host functions that return other bits than they got, so both directions show.
    linker_->Define("host", "f32_id", FuncType{{kF32}, {kF32}},
                    [this](Caller&, std::span<const Value> a, std::span<Value> r) {
                      seen_f32_ = a[0].f32_bits();
                      r[0] = Value::F32Bits(kNegativeNan32);
                      return Status::Ok();
                    });
    linker_->Define("host", "f64_id", FuncType{{kF64}, {kF64}},
                    [this](Caller&, std::span<const Value> a, std::span<Value> r) {
                      seen_f64_ = a[0].f64_bits();
                      r[0] = Value::F64Bits(kSignalingNan64);
                      return Status::Ok();
                    });
    linker_->Define("host", "v128_swap", FuncType{{kV128, kI32}, {kI32, kV128}},
                    [](Caller&, std::span<const Value> a, std::span<Value> r) {
                      const V128& v = a[0].v128();
                      r[0] = Value::I32(a[1].i32());
                      r[1] = Value::V128(
                          Lanes32(v.lane<uint32_t>(3), v.lane<uint32_t>(2), v.lane<uint32_t>(1), v.lane<uint32_t>(0)));
                      return Status::Ok();
                    });
    linker_->Define("host", "refs", FuncType{{kExternRef, kFuncRef}, {kFuncRef, kExternRef}},
                    [](Caller&, std::span<const Value> a, std::span<Value> r) {
                      r[0] = a[1];
                      r[1] = a[0];
                      return Status::Ok();
                    });
    auto instance = context_->Instantiate(Guest("engine_values"), linker_);
    ASSERT_TRUE(instance.ok()) << instance.error().message;
    instance_ = std::move(*instance);
  }
  void TearDown() override {
    instance_.reset();
    linker_.reset();
  }

  std::vector<Value> Call(std::string_view name, std::vector<Value> args) {
    auto r = instance_->Call(name, args);
    EXPECT_TRUE(r.ok()) << name << ": " << r.error().message;
    return r.ok() ? *r : std::vector<Value>{};
  }
  Extern Export(std::string_view name) {
    auto e = instance_->GetExport(name);
    EXPECT_TRUE(e.ok()) << name << ": " << e.error().message;
    return e.ok() ? *e : Extern(static_cast<const Function*>(nullptr));
  }

  std::shared_ptr<Linker> linker_;
  std::unique_ptr<Instance> instance_;
  uint32_t seen_f32_ = 0;
  uint64_t seen_f64_ = 0;
};

TEST(ValueTest, IsSmallTrivialAndExact) {
  static_assert(std::is_trivially_copyable_v<Value>);
  EXPECT_LE(sizeof(Value), 24u);
  EXPECT_EQ(Value::F32Bits(kSignalingNan32).f32_bits(), kSignalingNan32);
  EXPECT_EQ(Value::F64Bits(kNegativeNan64).f64_bits(), kNegativeNan64);
  Value zero = Value::Default(kV128);
  EXPECT_EQ(zero.type, kV128);
  EXPECT_EQ(zero.v128(), V128{});
  EXPECT_TRUE(Value::Default(kFuncRef).is_null());
  EXPECT_TRUE(Value::Default(kExternRef).is_null());
  EXPECT_EQ(Value{}.type, kI32);
  EXPECT_EQ(Value{}.i32(), 0);
}

TEST_P(ValuesTest, FloatsCrossBitForBit) {
  for (uint32_t bits : {kSignalingNan32, kNegativeNan32, 0x80000000u, 0x3f800000u}) {
    EXPECT_EQ(Call("f32_id", {Value::F32Bits(bits)})[0].f32_bits(), bits);
    EXPECT_EQ(Call("f32_bits", {Value::F32Bits(bits)})[0].u32(), bits);
  }
  for (uint64_t bits : {kSignalingNan64, kNegativeNan64, uint64_t{0x8000000000000000}}) {
    EXPECT_EQ(Call("f64_id", {Value::F64Bits(bits)})[0].f64_bits(), bits);
    EXPECT_EQ(Call("f64_from_bits", {Value::I64(static_cast<int64_t>(bits))})[0].f64_bits(), bits);
  }
  EXPECT_FLOAT_EQ(Call("f32_id", {Value::F32(1.5f)})[0].f32(), 1.5f);
}

TEST_P(ValuesTest, HostFunctionsSeeAndReturnExactFloats) {
  EXPECT_EQ(Call("call_host_f32", {Value::F32Bits(kSignalingNan32)})[0].f32_bits(), kNegativeNan32);
  EXPECT_EQ(seen_f32_, kSignalingNan32);
  EXPECT_EQ(Call("call_host_f64", {Value::F64Bits(kNegativeNan64)})[0].f64_bits(), kSignalingNan64);
  EXPECT_EQ(seen_f64_, kNegativeNan64);
}

TEST_P(ValuesTest, V128InCallsAndHostFunctions) {
  auto sum = Call("v128_add", {Value::V128(Lanes32(1, 2, 3, 0xffffffff)), Value::V128(Lanes32(10, 20, 30, 2))});
  ASSERT_EQ(sum.size(), 1u);
  EXPECT_EQ(sum[0].type, kV128);
  EXPECT_EQ(sum[0].v128(), Lanes32(11, 22, 33, 1));

  auto swapped = Call("call_host_v128", {Value::V128(Lanes32(1, 2, 3, 4)), Value::I32(-5)});
  ASSERT_EQ(swapped.size(), 2u);
  EXPECT_EQ(swapped[0].i32(), -5);
  EXPECT_EQ(swapped[1].v128(), Lanes32(4, 3, 2, 1));

  // Several results of several types, one of them a NaN.
  auto multi = Call("multi", {Value::F32Bits(kSignalingNan32), Value::V128(Lanes32(5, 6, 7, 8)), Value::I64(-3)});
  ASSERT_EQ(multi.size(), 4u);
  EXPECT_EQ(multi[0].v128(), Lanes32(5, 6, 7, 8));
  EXPECT_EQ(multi[1].f64(), -3.0);
  EXPECT_EQ(multi[2].i32(), 7);
  EXPECT_EQ(multi[3].f32_bits(), kSignalingNan32);
}

TEST_P(ValuesTest, ExternRefsKeepTheHostsPointer) {
  int object = 0;
  auto r = Call("extern_id", {Value::ExternRef(&object)});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type, kExternRef);
  EXPECT_EQ(r[0].externref(), &object);
  EXPECT_TRUE(Call("extern_id", {Value::ExternRef(nullptr)})[0].is_null());
  EXPECT_EQ(Call("extern_is_null", {Value::ExternRef(nullptr)})[0].i32(), 1);
  EXPECT_EQ(Call("extern_is_null", {Value::ExternRef(&object)})[0].i32(), 0);
  // Kept in a table across calls.
  Call("extern_store", {Value::I32(1), Value::ExternRef(&object)});
  EXPECT_EQ(Call("extern_load", {Value::I32(1)})[0].externref(), &object);
  EXPECT_TRUE(Call("extern_load", {Value::I32(0)})[0].is_null());
}

TEST_P(ValuesTest, FuncRefsAreTheContextsFunctions) {
  Extern inc = Export("inc");
  ASSERT_EQ(inc.kind(), ExternKind::kFunc);
  ASSERT_NE(inc.function(), nullptr);
  EXPECT_EQ(inc.function()->type(), (FuncType{{kI32}, {kI32}}));
  // ref.func of an exported function is the same Function as its export.
  auto got = Call("get_inc", {});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].funcref(), inc.function());
  // A function that is not exported still has its type and can be passed back in.
  auto dec = Call("get_dec", {});
  ASSERT_NE(dec[0].funcref(), nullptr);
  EXPECT_EQ(dec[0].funcref()->type(), (FuncType{{kI32}, {kI32}}));
  EXPECT_EQ(Call("get_dec", {})[0].funcref(), dec[0].funcref());
  EXPECT_EQ(Call("call_ref", {dec[0], Value::I32(10)})[0].i32(), 9);
  EXPECT_EQ(Call("call_ref", {Value::FuncRef(inc.function()), Value::I32(10)})[0].i32(), 11);
  // Through a host function, in both directions.
  int object = 0;
  auto refs = Call("call_host_refs", {Value::ExternRef(&object), dec[0]});
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].funcref(), dec[0].funcref());
  EXPECT_EQ(refs[1].externref(), &object);
}

TEST_P(ValuesTest, GlobalsHoldExactValues) {
  Extern g = Export("g_f32");
  ASSERT_EQ(g.kind(), ExternKind::kGlobal);
  EXPECT_EQ(g.global()->type(), (GlobalType{kF32, true}));
  ASSERT_TRUE(g.global()->Set(Value::F32Bits(kSignalingNan32)).ok());
  auto v = g.global()->Get();
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->f32_bits(), kSignalingNan32);
  EXPECT_EQ(g.global()->Set(Value::I32(1)).error().code, ErrorCode::kInvalidArgument);

  Extern constant = Export("g_f64");
  EXPECT_EQ(constant.global()->type(), (GlobalType{kF64, false}));
  EXPECT_EQ(constant.global()->Get()->f64_bits(), 0x8000000000000000u);  // -0
  EXPECT_EQ(constant.global()->Set(Value::F64(1)).error().code, ErrorCode::kInvalidArgument);

  Extern vector = Export("g_v128");
  EXPECT_EQ(vector.global()->Get()->v128(), Lanes32(1, 2, 3, 4));
  ASSERT_TRUE(vector.global()->Set(Value::V128(Lanes32(9, 8, 7, 6))).ok());
  EXPECT_EQ(vector.global()->Get()->v128(), Lanes32(9, 8, 7, 6));

  Extern fixed = Export("g_v128_const");
  EXPECT_EQ(fixed.global()->type(), (GlobalType{kV128, false}));
  EXPECT_EQ(fixed.global()->Get()->v128(), Lanes32(5, 6, 7, 0xffffffff));

  int object = 0;
  Extern ref = Export("g_extern");
  EXPECT_TRUE(ref.global()->Get()->is_null());
  ASSERT_TRUE(ref.global()->Set(Value::ExternRef(&object)).ok());
  EXPECT_EQ(ref.global()->Get()->externref(), &object);

  // Host-made globals of every number type keep their bits too.
  for (Value value : {Value::I32(-7), Value::I64(int64_t{1} << 60), Value::F32Bits(kNegativeNan32),
                      Value::F64Bits(kSignalingNan64), Value::V128(Lanes32(1, 0xffffffff, 3, 4))}) {
    for (bool is_mutable : {false, true}) {
      auto made = context_->NewGlobal(GlobalType{value.type, is_mutable}, value);
      ASSERT_TRUE(made.ok()) << made.error().message;
      auto read = (*made)->Get();
      ASSERT_TRUE(read.ok()) << read.error().message;
      EXPECT_TRUE(SameBits(*read, value)) << ValTypeName(value.type);
    }
  }
  EXPECT_EQ(context_->NewGlobal(GlobalType{kI32, false}, Value::I64(1)).error().code, ErrorCode::kInvalidArgument);
}

// An immutable v128 global of the host imported into a module: bound, or (V8 10.2, which would abort) refused.
TEST_P(ValuesTest, ImmutableV128GlobalImport) {
  auto global = context_->NewGlobal(GlobalType{kV128, false}, Value::V128(Lanes32(1, 2, 3, 4)));
  ASSERT_TRUE(global.ok()) << global.error().message;
  EXPECT_EQ((*global)->Get()->v128(), Lanes32(1, 2, 3, 4));
  auto linker = std::make_shared<Linker>();
  linker->Define("env", "v", Extern(*global));
  auto instance = context_->Instantiate(Guest("engine_v128_import"), linker);
  if (!instance.ok()) {
    EXPECT_EQ(instance.error().code, ErrorCode::kLinkError) << instance.error().message;
    EXPECT_EQ(GetParam(), "v8");
  }
}

TEST_P(ValuesTest, TablesAreBoundsChecked) {
  Extern t = Export("funcs");
  ASSERT_EQ(t.kind(), ExternKind::kTable);
  Table& table = *t.table();
  EXPECT_EQ(table.type(), (TableType{kFuncRef, Limits{2, 10}}));
  EXPECT_EQ(table.size(), 2u);
  const Function* inc = Export("inc").function();
  ASSERT_TRUE(table.Set(1, Value::FuncRef(inc)).ok());
  EXPECT_EQ(table.Get(1)->funcref(), inc);
  EXPECT_TRUE(table.Get(0)->is_null());
  auto oob = table.Get(2);
  ASSERT_FALSE(oob.ok());
  EXPECT_EQ(oob.error().code, ErrorCode::kTrap);
  EXPECT_EQ(TrapKindOf(oob.error().message), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(table.Set(0, Value::ExternRef(nullptr)).error().code, ErrorCode::kInvalidArgument);
  auto old = table.Grow(3, Value::FuncRef(inc));
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(*old, 2u);
  EXPECT_EQ(table.size(), 5u);
  EXPECT_EQ(table.Get(4)->funcref(), inc);
  EXPECT_EQ(table.Grow(6, Value::FuncRef(nullptr)).error().code, ErrorCode::kResourceLimit);
  // The guest sees what the host stored.
  EXPECT_EQ(Call("call_ref", {Value::FuncRef(table.Get(4)->funcref()), Value::I32(1)})[0].i32(), 2);
}

TEST_P(ValuesTest, ExportedMemoryIsTheInstancesMemory) {
  Extern m = Export("memory");
  ASSERT_EQ(m.kind(), ExternKind::kMemory);
  EXPECT_EQ(m.memory().get(), instance_->memory());
  EXPECT_EQ(m.memory()->limits(), (Limits{1, 3}));
  auto old = m.memory()->Grow(1);
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(*old, 1u);
  EXPECT_EQ(instance_->memory()->size(), 2 * Memory::kPageSize);
  EXPECT_EQ(m.memory()->Grow(2).error().code, ErrorCode::kResourceLimit);
  EXPECT_EQ(instance_->GetExport("nothing").error().code, ErrorCode::kNotFound);
  // The same objects every time.
  EXPECT_EQ(Export("memory").memory(), m.memory());
  EXPECT_EQ(Export("g_f32").global(), Export("g_f32").global());
}

TEST_P(ValuesTest, WrongArgumentsAreRefused) {
  auto r = instance_->Call("f32_id", std::vector<Value>{Value::F64(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, ValuesTest, ::testing::ValuesIn(testing::TestBackends()));

}  // namespace
}  // namespace capsule
