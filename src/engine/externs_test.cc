// Imports of every kind on every backend: host-made memories, tables and globals, one instance's exports linked
// into another (the spec's register), the spec's import matching, and objects used past their owners.
#include <gtest/gtest.h>

#include "capsule/engine.h"
#include "engine/test_backends.h"

namespace capsule {
namespace {

using testing::BackendTest;
using enum ValType;

const FuncType kDouble{{kI32}, {kI32}};

TEST(ModuleInfoTest, LimitsMatchAsTheSpecSays) {
  EXPECT_TRUE((Limits{2, 4}).Matches(Limits{1, 4}));
  EXPECT_TRUE((Limits{2, 4}).Matches(Limits{2, std::nullopt}));
  EXPECT_FALSE((Limits{1, 4}).Matches(Limits{2, std::nullopt}));
  EXPECT_FALSE((Limits{2, std::nullopt}).Matches(Limits{1, 4}));
  EXPECT_FALSE((Limits{2, 5}).Matches(Limits{1, 4}));
  EXPECT_EQ((Limits{1, 2}).ToString(), "1..2");
  EXPECT_EQ((GlobalType{kF64, true}).ToString(), "mut f64");
}

TEST(ModuleInfoTest, ImportsAndExportsCarryTheirTypes) {
  auto bytes = ReadFileBytes(std::string(CAPSULE_GUEST_DIR) + "/engine_linking.wasm");
  ASSERT_TRUE(bytes.ok());
  auto parsed = ParseModule(*bytes, 0);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const ModuleInfo& info = parsed->info;
  ASSERT_EQ(info.imports.size(), 5u);
  EXPECT_EQ(info.imports[0].limits, (Limits{1, 4}));
  EXPECT_EQ(info.imports[1].kind, ExternKind::kTable);
  EXPECT_EQ(info.imports[1].element, kFuncRef);
  EXPECT_EQ(info.imports[1].limits, (Limits{2, std::nullopt}));
  EXPECT_EQ(info.imports[2].global, (GlobalType{kI32, false}));
  EXPECT_EQ(info.imports[3].global, (GlobalType{kI64, true}));
  EXPECT_EQ(info.imports[4].func_type, kDouble);
  ASSERT_EQ(info.tables.size(), 1u);
  ASSERT_EQ(info.globals.size(), 2u);
  const ExportInfo* base = info.FindExport("base");
  ASSERT_NE(base, nullptr);
  EXPECT_EQ(base->kind, ExternKind::kGlobal);
  EXPECT_EQ(base->index, 0u);
  EXPECT_EQ(base->global, (GlobalType{kI32, false}));
  EXPECT_EQ(info.FindExport("memory")->limits, (Limits{1, 4}));
}

class ExternsTest : public BackendTest {
 protected:
  // A linker whose env offers what engine_linking imports, made by the host.
  struct HostObjects {
    std::shared_ptr<Memory> memory;
    std::shared_ptr<Table> table;
    std::shared_ptr<Global> base, counter;
  };
  HostObjects Define(Linker& linker, Limits memory_limits = {1, 4}) {
    HostObjects o;
    o.memory = Must(context_->NewMemory(memory_limits));
    o.table = Must(context_->NewTable(TableType{kFuncRef, Limits{2, std::nullopt}}, Value::FuncRef(nullptr)));
    o.base = Must(context_->NewGlobal(GlobalType{kI32, false}, Value::I32(100)));
    o.counter = Must(context_->NewGlobal(GlobalType{kI64, true}, Value::I64(0)));
    linker.Define("env", "memory", Extern(o.memory));
    linker.Define("env", "table", Extern(o.table));
    linker.Define("env", "base", Extern(o.base));
    linker.Define("env", "counter", Extern(o.counter));
    linker.Define("env", "double", kDouble, [](Caller&, std::span<const Value> a, std::span<Value> r) {
      r[0] = Value::I32(a[0].i32() * 2);
      return Status::Ok();
    });
    return o;
  }
  template <class T>
  T Must(Result<T> r) {
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? std::move(*r) : T{};
  }
  std::unique_ptr<Instance> Instantiate(const std::string& guest, std::shared_ptr<const Linker> linker) {
    auto instance = context_->Instantiate(Guest(guest), std::move(linker));
    EXPECT_TRUE(instance.ok()) << instance.error().message;
    return instance.ok() ? std::move(*instance) : nullptr;
  }
  static int32_t CallI32(Instance& instance, std::string_view name, std::vector<Value> args) {
    auto r = instance.Call(name, args);
    EXPECT_TRUE(r.ok()) << name << ": " << r.error().message;
    return r.ok() && !r->empty() ? (*r)[0].i32() : 0;
  }
};

TEST_P(ExternsTest, HostMadeObjectsAreImportedAndShared) {
  auto linker = std::make_shared<Linker>();
  HostObjects host = Define(*linker);
  EXPECT_EQ(host.memory->limits(), (Limits{1, 4}));
  auto a = Instantiate("engine_linking", linker);
  auto b = Instantiate("engine_linking", linker);
  ASSERT_TRUE(a && b);
  // The instance's memory is the host's (it also exports it), and both instances share it.
  EXPECT_EQ(a->memory(), host.memory.get());
  CallI32(*a, "store", {Value::I32(8), Value::I32(21)});
  EXPECT_EQ(*host.memory->ReadU32(8), 142u);  // base 100 + double(21)
  EXPECT_EQ(CallI32(*b, "load", {Value::I32(8)}), 142);
  ASSERT_TRUE(host.memory->WriteU32(16, 77).ok());
  EXPECT_EQ(CallI32(*b, "load", {Value::I32(16)}), 77);
  // The mutable global counts the stores of both.
  CallI32(*b, "store", {Value::I32(12), Value::I32(1)});
  EXPECT_EQ(host.counter->Get()->i64(), 2);
  // A grown memory is seen by everyone.
  ASSERT_EQ(*host.memory->Grow(1), 1u);
  CallI32(*a, "store", {Value::I32(65536 + 4), Value::I32(0)});
  EXPECT_EQ(*host.memory->ReadU32(65536 + 4), 100u);
  // A function the host put into the shared table is called through it.
  ASSERT_TRUE(host.table->Set(1, Value::FuncRef(a->GetExport("double")->function())).ok());
  EXPECT_EQ(CallI32(*b, "call_slot", {Value::I32(1), Value::I32(4)}), 8);
  // Re-exports are the very objects imported.
  EXPECT_EQ(a->GetExport("memory")->memory(), host.memory);
  EXPECT_EQ(a->GetExport("base")->global(), host.base);
  // A host function is bound to each instance that imports it (its Caller is that instance): each re-exports its own.
  EXPECT_EQ(a->GetExport("double")->function()->type(), kDouble);
  EXPECT_NE(a->GetExport("double")->function(), b->GetExport("double")->function());
}

TEST_P(ExternsTest, OneInstancesExportsLinkIntoAnother) {
  auto library = Instantiate("engine_exporter", std::make_shared<Linker>());
  ASSERT_TRUE(library);
  auto linker = std::make_shared<Linker>();
  ASSERT_TRUE(linker->DefineInstance("env", *library).ok());
  auto user = Instantiate("engine_linking", linker);
  ASSERT_TRUE(user);
  CallI32(*user, "store", {Value::I32(0), Value::I32(5)});
  EXPECT_EQ(*library->memory()->ReadU32(0), 1010u);  // the library's base 1000 + its double(5)
  EXPECT_EQ(library->GetExport("counter")->global()->Get()->i64(), 1);
  EXPECT_EQ(CallI32(*user, "call_slot", {Value::I32(0), Value::I32(21)}), 42);  // the library's table
  EXPECT_EQ(user->memory(), library->memory());
  EXPECT_EQ(user->GetExport("double")->function(), library->GetExport("double")->function());
}

TEST_P(ExternsTest, ImportsAreMatchedAsTheSpecSays) {
  auto library = Instantiate("engine_exporter", std::make_shared<Linker>());
  ASSERT_TRUE(library);
  auto module = Guest("engine_linking");
  auto expect_link_error = [&](Linker&& linker, const char* wording) {
    auto instance = context_->Instantiate(module, std::make_shared<Linker>(std::move(linker)));
    ASSERT_FALSE(instance.ok());
    EXPECT_EQ(instance.error().code, ErrorCode::kLinkError);
    EXPECT_EQ(instance.error().message.rfind(wording, 0), 0u) << instance.error().message;
  };
  auto good = [&] {
    Linker linker;
    EXPECT_TRUE(linker.DefineInstance("env", *library).ok());
    return linker;
  };
  EXPECT_TRUE(good().Check(module->info()).ok());
  // A memory whose maximum is too large (unbounded where 4 is asked for).
  Linker linker = good();
  linker.Define("env", "memory", Extern(Must(context_->NewMemory(Limits{1, std::nullopt}))));
  expect_link_error(std::move(linker), "incompatible import type");
  // Too small.
  linker = good();
  linker.Define("env", "memory", Extern(Must(context_->NewMemory(Limits{0, 1}))));
  expect_link_error(std::move(linker), "incompatible import type");
  // A global of another mutability, another type; an object of another kind.
  linker = good();
  linker.Define("env", "counter", Extern(Must(context_->NewGlobal(GlobalType{kI64, false}, Value::I64(0)))));
  expect_link_error(std::move(linker), "incompatible import type");
  linker = good();
  linker.Define("env", "base", Extern(Must(context_->NewGlobal(GlobalType{kI64, false}, Value::I64(0)))));
  expect_link_error(std::move(linker), "incompatible import type");
  linker = good();
  linker.Define("env", "double", library->GetExport("memory").value());
  expect_link_error(std::move(linker), "incompatible import type");
  // A table of externrefs where funcrefs are asked for.
  linker = good();
  linker.Define(
      "env", "table",
      Extern(Must(context_->NewTable(TableType{kExternRef, Limits{2, std::nullopt}}, Value::ExternRef(nullptr)))));
  expect_link_error(std::move(linker), "incompatible import type");
  // Missing.
  Linker empty;
  expect_link_error(std::move(empty), "unknown import");
}

TEST_P(ExternsTest, ObjectsOfAnotherContextAreRefused) {
  auto other = Must(engine_->NewContext());
  auto memory = Must(other->NewMemory(Limits{1, 4}));
  auto linker = std::make_shared<Linker>();
  Define(*linker);
  linker->Define("env", "memory", Extern(memory));
  auto instance = context_->Instantiate(Guest("engine_linking"), linker);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().code, ErrorCode::kLinkError);
  linker.reset();
  memory.reset();
}

TEST_P(ExternsTest, HostMadeObjectsAreValidated) {
  EXPECT_EQ(context_->NewMemory(Limits{2, 1}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(context_->NewMemory(Limits{70000, std::nullopt}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(context_->NewTable(TableType{kI32, Limits{1, std::nullopt}}, Value::I32(0)).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(context_->NewTable(TableType{kFuncRef, Limits{1, std::nullopt}}, Value::ExternRef(nullptr)).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_P(ExternsTest, ObjectsOutlivingTheirContextOnlyFail) {
  auto memory = Must(context_->NewMemory(Limits{1, 2}));
  auto global = Must(context_->NewGlobal(GlobalType{kF64, true}, Value::F64(1)));
  context_.reset();
  EXPECT_EQ(memory->size(), 0u);
  EXPECT_FALSE(memory->Grow(1).ok());
  EXPECT_FALSE(global->Get().ok());
  EXPECT_FALSE(global->Set(Value::F64(2)).ok());
}

// A host function stays callable through another instance after the instance that imported it is gone: the call
// traps with a clear message instead of reaching freed memory.
TEST_P(ExternsTest, HostFunctionOfADestroyedInstanceTraps) {
  auto linker = std::make_shared<Linker>();
  Define(*linker);
  auto first = Instantiate("engine_linking", linker);
  ASSERT_TRUE(first);
  auto second_linker = std::make_shared<Linker>();
  Define(*second_linker);
  second_linker->Define("env", "double", first->GetExport("double").value());  // first's import of env.double
  auto second = Instantiate("engine_linking", second_linker);
  ASSERT_TRUE(second);
  EXPECT_EQ(CallI32(*second, "load", {Value::I32(0)}), 0);
  first.reset();
  auto r = second->Call("store", std::vector<Value>{Value::I32(0), Value::I32(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTrap);
  EXPECT_NE(r.error().message.find("destroyed"), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, ExternsTest, ::testing::ValuesIn(testing::TestBackends()));

}  // namespace
}  // namespace capsule
