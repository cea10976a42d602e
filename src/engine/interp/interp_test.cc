// Unit tests of the interpreter backend: what the engine API tests (engine_test.cc, run on interp as
// engine_test.interp.*) do not reach: WebAssembly features one by one, traps, limits, both bounds-check modes, the
// shape of the translated code, copy-on-write state. Modules are written in WAT and converted with wat2wasm.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <thread>

#include "capsule/engine.h"
#include "engine/interp/compiler.h"
#include "engine/interp/executor.h"
#include "engine/interp/interp_engine.h"
#include "engine/interp/linear_memory.h"
#include "engine/interp/module_desc.h"
#include "engine/interp/trap_handler.h"

namespace capsule::internal::interp {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// The binary of a WAT module (wat2wasm, default features: WebAssembly 2.0).
std::vector<uint8_t> Wat(const std::string& text) {
  char dir[] = "/tmp/interp_test_XXXXXX";
  if (!mkdtemp(dir)) return {};
  const std::string wat = std::string(dir) + "/m.wat", wasm = std::string(dir) + "/m.wasm";
  std::ofstream(wat) << text;
  const std::string cmd = "wat2wasm " + wat + " -o " + wasm + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[256];
  while (p && fgets(buf, sizeof buf, p)) out += buf;
  const int rc = p ? pclose(p) : -1;
  auto bytes = ReadFileBytes(wasm);
  std::remove(wat.c_str());
  std::remove(wasm.c_str());
  rmdir(dir);
  EXPECT_EQ(rc, 0) << out;
  return bytes ? *bytes : std::vector<uint8_t>{};
}

// An engine of each bounds-check mode (guard pages need the process-wide fault handler).
std::shared_ptr<Engine> EngineOf(bool guarded) {
  if (guarded) InstallTrapHandler();
  static auto* engines = new std::shared_ptr<InterpEngine>[2] {
    std::make_shared<InterpEngine>(false), std::make_shared<InterpEngine>(true)
  };
  return engines[guarded ? 1 : 0];
}

// One instance of a WAT module, on an engine of the given mode.
struct Instantiated {
  std::shared_ptr<Engine> engine;
  std::unique_ptr<Context> context;
  std::shared_ptr<const Module> module;
  std::unique_ptr<Instance> instance;

  Result<std::vector<Value>> Call(std::string_view name, std::vector<Value> args = {}, CallOptions options = {}) {
    return instance->Call(name, args, options);
  }
};

Instantiated Make(const std::string& wat, bool guarded = true, std::shared_ptr<Linker> linker = nullptr) {
  Instantiated in;
  in.engine = EngineOf(guarded);
  auto context = in.engine->NewContext();
  EXPECT_TRUE(context.ok());
  in.context = std::move(*context);
  auto module = in.engine->Compile(Wat(wat));
  EXPECT_TRUE(module.ok()) << module.error().message;
  if (!module.ok()) return in;
  in.module = *module;
  auto instance = in.context->Instantiate(in.module, linker ? linker : std::make_shared<Linker>());
  EXPECT_TRUE(instance.ok()) << instance.error().message;
  if (instance.ok()) in.instance = std::move(*instance);
  return in;
}

std::string TrapOf(Result<std::vector<Value>> r) {
  if (r.ok()) return "no trap";
  EXPECT_EQ(r.error().code, ErrorCode::kTrap) << r.error().message;
  return r.error().message;
}

int32_t I32Of(Result<std::vector<Value>> r) {
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() && !r->empty() ? (*r)[0].i32() : -1;
}

// Calls export name of instance.
Result<std::vector<Value>> CallOn(Instance& instance, std::string_view name, std::vector<Value> args = {}) {
  return instance.Call(name, args);
}

// The code of exported function `name` as translated (for the shape of the code).
FunctionCode Translated(const std::string& wat, uint32_t defined_index) {
  auto desc = DecodeModule(Wat(wat));
  EXPECT_TRUE(desc.ok());
  auto code = CompileFunction(*desc, defined_index, HandlerOffsets(true));
  EXPECT_TRUE(code.ok()) << code.error().message;
  return code.ok() ? std::move(*code) : FunctionCode{};
}

// How many code units the first function of wat takes fewer than when its first `op` is `other` (same length): what a
// fusion that op allows saves.
long UnitsSavedOver(const std::string& wat, const std::string& op, const std::string& other) {
  std::string changed = wat;
  changed.replace(changed.find(op), op.size(), other);
  return static_cast<long>(Translated(changed, 0).code.size()) - static_cast<long>(Translated(wat, 0).code.size());
}

class BothModes : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(Interp, BothModes, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "GuardPages" : "ExplicitChecks"; });

TEST_P(BothModes, MemoryAccessesAreBoundsChecked) {
  auto in = Make(R"((module (memory 1 3)
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "load_far") (param i32) (result i32) (i32.load offset=0xffffffff (local.get 0)))
      (func (export "store8") (param i32) (i32.store8 (local.get 0) (i32.const 7)))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))))",
                 GetParam());
  EXPECT_EQ(I32Of(in.Call("load", {Value::I32(65532)})), 0);
  EXPECT_EQ(TrapOf(in.Call("load", {Value::I32(65533)})), "out of bounds memory access");
  EXPECT_EQ(TrapOf(in.Call("load", {Value::I32(-1)})), "out of bounds memory access");
  EXPECT_EQ(TrapOf(in.Call("load_far", {Value::I32(-1)})), "out of bounds memory access");
  EXPECT_EQ(TrapOf(in.Call("store8", {Value::I32(65536)})), "out of bounds memory access");
  // Growth makes the next page accessible, and no further.
  EXPECT_EQ(I32Of(in.Call("grow", {Value::I32(1)})), 1);
  ASSERT_TRUE(in.Call("store8", {Value::I32(131071)}).ok());
  EXPECT_EQ(TrapOf(in.Call("store8", {Value::I32(131072)})), "out of bounds memory access");
  EXPECT_EQ(I32Of(in.Call("grow", {Value::I32(2)})), -1);  // past the maximum of 3
  EXPECT_EQ(I32Of(in.Call("load", {Value::I32(131068)})), 7 << 24);
}

TEST_P(BothModes, EveryTrapHasTheSpecWording) {
  auto in = Make(R"((module
      (type $v (func)) (type $i (func (result i32)))
      (table 2 funcref) (elem (i32.const 0) $f)
      (func $f)
      (func (export "unreachable") unreachable)
      (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "rem") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
      (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
      (func (export "call") (param i32) (call_indirect (type $v) (local.get 0)))
      (func (export "call_i") (param i32) (result i32) (call_indirect (type $i) (local.get 0)))
      (func (export "table_get") (param i32) (result funcref) (table.get 0 (local.get 0)))
      (func (export "sat") (param f32) (result i32) (i32.trunc_sat_f32_u (local.get 0)))))",
                 GetParam());
  EXPECT_EQ(TrapOf(in.Call("unreachable")), "unreachable");
  EXPECT_EQ(TrapOf(in.Call("div", {Value::I32(1), Value::I32(0)})), "integer divide by zero");
  EXPECT_EQ(TrapOf(in.Call("div", {Value::I32(INT32_MIN), Value::I32(-1)})), "integer overflow");
  EXPECT_EQ(TrapOf(in.Call("rem", {Value::I64(1), Value::I64(0)})), "integer divide by zero");
  EXPECT_EQ(TrapOf(in.Call("trunc", {Value::F64(NAN)})), "invalid conversion to integer");
  EXPECT_EQ(TrapOf(in.Call("trunc", {Value::F64(3e9)})), "integer overflow");
  EXPECT_EQ(I32Of(in.Call("trunc", {Value::F64(-2147483648.9)})), INT32_MIN);
  EXPECT_TRUE(in.Call("call", {Value::I32(0)}).ok());
  EXPECT_EQ(TrapOf(in.Call("call", {Value::I32(1)})), "uninitialized element");
  EXPECT_EQ(TrapOf(in.Call("call", {Value::I32(2)})), "undefined element");
  EXPECT_EQ(TrapOf(in.Call("call_i", {Value::I32(0)})), "indirect call type mismatch");
  EXPECT_EQ(TrapOf(in.Call("table_get", {Value::I32(2)})), "out of bounds table access");
  EXPECT_EQ(I32Of(in.Call("sat", {Value::F32(-5.0f)})), 0);
  EXPECT_EQ(I32Of(in.Call("sat", {Value::F32(1e10f)})), -1);
}

TEST_P(BothModes, Simd) {
  // v128 values in params, locals, globals, blocks, select and memory, mixed with 8-byte values in one frame.
  auto in = Make(R"((module (memory 1)
      (global $g (mut v128) (v128.const i32x4 1 2 3 4))
      (func $dot (param i32 v128 i64 v128) (result v128 i32)
        (i32x4.dot_i16x8_s (local.get 1) (local.get 3)) (local.get 0))
      (func (export "dot") (param i32) (result i32)
        (local v128)
        (local.set 1 (i16x8.splat (local.get 0)))
        (call $dot (i32.const 7) (local.get 1) (i64.const 9) (v128.const i16x8 1 2 3 4 5 6 7 8))
        (drop)
        (i32x4.extract_lane 3))
      (func (export "global") (result i32)
        (global.set $g (i32x4.add (global.get $g) (global.get $g)))
        (i32x4.extract_lane 2 (global.get $g)))
      (func (export "shuffle") (result i64)
        (i64x2.extract_lane 0 (i8x16.shuffle 15 14 13 12 11 10 9 8 16 17 18 19 20 21 22 23
          (v128.const i64x2 0x0706050403020100 0x0f0e0d0c0b0a0908) (v128.const i64x2 0 0))))
      (func (export "select") (param i32) (result f64)
        (f64x2.extract_lane 1 (select (v128.const f64x2 1 2) (v128.const f64x2 3 4) (local.get 0))))
      (func (export "block") (result i32)
        (block (result v128 i32) (v128.const i32x4 5 6 7 8) (i32.const 1) (br 0))
        (drop) (i32x4.extract_lane 1))
      (func (export "store") (param i32)
        (v128.store offset=16 (local.get 0) (f32x4.sqrt (v128.const f32x4 1 4 9 16))))
      (func (export "load_lane") (param i32) (result i32)
        (i32x4.extract_lane 1 (v128.load32_lane 1 (local.get 0) (v128.const i32x4 0 0 0 0))))
      (func (export "all_true") (param i32) (result i32)
        (i8x16.all_true (i8x16.add_sat_u (i8x16.splat (local.get 0)) (v128.const i8x16 255 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))))))",
                 GetParam());
  EXPECT_EQ(I32Of(in.Call("dot", {Value::I32(3)})), 3 * 7 + 3 * 8);
  EXPECT_EQ(I32Of(in.Call("global")), 6);
  EXPECT_EQ(I32Of(in.Call("global")), 12);
  auto shuffled = in.Call("shuffle");
  ASSERT_TRUE(shuffled.ok());
  EXPECT_EQ((*shuffled)[0].i64(), 0x08090a0b0c0d0e0fll);
  auto selected = in.Call("select", {Value::I32(0)});
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ((*selected)[0].f64(), 4.0);
  EXPECT_EQ(I32Of(in.Call("block")), 6);
  ASSERT_TRUE(in.Call("store", {Value::I32(0)}).ok());
  EXPECT_EQ(I32Of(in.Call("load_lane", {Value::I32(20)})), 0x40000000);  // 2.0f
  EXPECT_EQ(TrapOf(in.Call("store", {Value::I32(65536 - 31)})), "out of bounds memory access");
  EXPECT_EQ(TrapOf(in.Call("load_lane", {Value::I32(65533)})), "out of bounds memory access");
  EXPECT_EQ(I32Of(in.Call("all_true", {Value::I32(1)})), 1);
  EXPECT_EQ(I32Of(in.Call("all_true", {Value::I32(0)})), 0);
}

TEST(InterpTest, RejectsInvalidSimd) {
  const std::vector<uint8_t> valid = Wat("(module (func (result i32) (i32x4.extract_lane 3 (v128.const i64x2 0 0))))");
  ASSERT_TRUE(EngineOf(true)->Compile(valid).ok());
  // A lane index past the last lane (the byte before the body's end).
  std::vector<uint8_t> lane = valid;
  ASSERT_EQ(lane[lane.size() - 2], 3);
  lane[lane.size() - 2] = 4;
  // The function declared to return a v128 where it returns an i32 (the type section's result).
  std::vector<uint8_t> type = valid;
  const uint8_t sig[] = {0x60, 0x00, 0x01, 0x7f};
  auto at = std::search(type.begin(), type.end(), std::begin(sig), std::end(sig));
  ASSERT_NE(at, type.end());
  at[3] = 0x7b;
  for (const auto& bytes : {lane, type}) {
    auto r = EngineOf(true)->Compile(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidModule);
  }
}

TEST(InterpTest, RejectsInvalidCodeAtCompile) {
  // i32.add of an i64, and a value left at the end of a block after unreachable.
  std::vector<uint8_t> bad = Wat("(module (func (result i32) (i32.const 1)))");
  ASSERT_FALSE(bad.empty());
  bad[bad.size() - 3] = 0x42;  // i32.const -> i64.const: the result no longer matches
  auto r = EngineOf(true)->Compile(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidModule);
  EXPECT_NE(r.error().message.find("type mismatch"), std::string::npos) << r.error().message;
}

TEST(InterpTest, MultiValueBlocksAndFunctions) {
  auto in = Make(R"((module
      (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
      (func (export "f") (param i32 i32) (result i32)
        (call $swap (local.get 0) (local.get 1))
        (block (param i32 i32) (result i32) (i32.sub))
      )
      (func (export "loop") (param i32) (result i32)
        (i32.const 0) (local.get 0)
        (loop (param i32 i32) (result i32)
          ;; (acc, n) -> (acc + n, n - 1) while n > 0
          (local.set 0) (local.get 0) (i32.add) (local.get 0) (i32.const 1) (i32.sub)
          (local.tee 0) (i32.const 0) (i32.gt_s)
          (if (param i32) (result i32) (then (local.get 0) (br 1)))
        ))))");
  EXPECT_EQ(I32Of(in.Call("f", {Value::I32(10), Value::I32(3)})), 3 - 10);
  EXPECT_EQ(I32Of(in.Call("loop", {Value::I32(10)})), 55);
}

TEST(InterpTest, BrTableMovesValuesPerTarget) {
  auto in = Make(R"((module
      (func (export "f") (param i32) (result i32)
        (block (result i32)
          (block (result i32)
            (br_table 0 1 2 (i32.const 10) (local.get 0)))
          (i32.const 1) (i32.add))
        (i32.const 100) (i32.add))))");
  EXPECT_EQ(I32Of(in.Call("f", {Value::I32(0)})), 111);
  EXPECT_EQ(I32Of(in.Call("f", {Value::I32(1)})), 110);
  EXPECT_EQ(I32Of(in.Call("f", {Value::I32(2)})), 10);
  EXPECT_EQ(I32Of(in.Call("f", {Value::I32(99)})), 10);
}

TEST(InterpTest, BulkMemoryAndTables) {
  auto in = Make(R"((module (memory 1)
      (data $d "hello")
      (table $t 4 funcref) (elem $e func $a $b)
      (func $a (result i32) (i32.const 1)) (func $b (result i32) (i32.const 2))
      (func (export "init") (memory.init $d (i32.const 100) (i32.const 1) (i32.const 4)) (data.drop $d))
      (func (export "copy") (memory.copy (i32.const 200) (i32.const 100) (i32.const 4)))
      (func (export "fill") (memory.fill (i32.const 300) (i32.const 0x41) (i32.const 3)))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "tinit") (table.init $t $e (i32.const 2) (i32.const 0) (i32.const 2)))
      (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
      (func (export "grow") (result i32) (table.grow $t (ref.null func) (i32.const 3)))
      (func (export "size") (result i32) (table.size $t))))");
  ASSERT_TRUE(in.Call("init").ok());
  EXPECT_EQ(I32Of(in.Call("load", {Value::I32(100)})), 0x6f6c6c65);   // "ello"
  EXPECT_EQ(TrapOf(in.Call("init")), "out of bounds memory access");  // dropped
  ASSERT_TRUE(in.Call("copy").ok());
  EXPECT_EQ(I32Of(in.Call("load", {Value::I32(200)})), 0x6f6c6c65);
  ASSERT_TRUE(in.Call("fill").ok());
  EXPECT_EQ(I32Of(in.Call("load", {Value::I32(300)})), 0x00414141);
  ASSERT_TRUE(in.Call("tinit").ok());
  EXPECT_EQ(I32Of(in.Call("call", {Value::I32(3)})), 2);
  EXPECT_EQ(I32Of(in.Call("grow")), 4);
  EXPECT_EQ(I32Of(in.Call("size")), 7);
}

TEST(InterpTest, TablesAreBoundedPerInstance) {
  // Each table is allowed, not all of them at once: a module cannot allocate without bound through tables.
  auto engine = EngineOf(true);
  auto context = *engine->NewContext();
  auto module = engine->Compile(Wat(R"((module (table 6000000 funcref) (table 6000000 funcref)))"));
  ASSERT_TRUE(module.ok());
  auto r = context->Instantiate(*module, std::make_shared<Linker>());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kResourceLimit);
  auto in = Make(R"((module (table $a 6000000 funcref) (table $b 0 funcref)
      (func (export "grow") (param i32) (result i32) (table.grow $b (ref.null func) (local.get 0)))))");
  EXPECT_EQ(I32Of(in.Call("grow", {Value::I32(5000000)})), -1);
  EXPECT_EQ(I32Of(in.Call("grow", {Value::I32(1000)})), 0);
}

// What an instance hands out outlives it: its functions in another instance's table or in the host's hands run on
// (the context keeps the instance's state), and instances nothing of which was seen outside are freed with it.
TEST(InterpTest, FunctionsSeenOutsideOutliveTheirInstance) {
  auto engine = EngineOf(true);
  auto context = *engine->NewContext();
  auto& interp_context = dynamic_cast<InterpContext&>(*context);
  auto table = *context->NewTable(TableType{ValType::kFuncRef, Limits{4, std::nullopt}}, Value::FuncRef(nullptr));
  auto linker = std::make_shared<Linker>();
  linker->Define("env", "table", Extern(table));
  auto library = *engine->Compile(Wat(R"((module (import "env" "table" (table 4 funcref))
      (memory 1) (global $g (mut i32) (i32.const 40))
      (func $get (export "get") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
      (func (export "store") (param i32 funcref) (table.set 0 (local.get 0) (local.get 1)))
      (elem (i32.const 0) func $get)))"));
  auto user = *engine->Compile(Wat(R"((module (import "env" "table" (table 4 funcref)) (type $r (func (result i32)))
      (func (export "call") (param i32) (result i32) (call_indirect (type $r) (local.get 0)))))"));
  auto a = *context->Instantiate(library, linker);  // writes its $get into the host's table
  auto b = *context->Instantiate(user, linker);
  const Function* get = (*a->GetExport("get")).function();
  a.reset();
  EXPECT_EQ(interp_context.kept(), 1u);
  EXPECT_EQ(I32Of(CallOn(*b, "call", {Value::I32(0)})), 41);  // its global lives on too
  ASSERT_TRUE(table->Set(2, Value::FuncRef(get)).ok());
  EXPECT_EQ(I32Of(CallOn(*b, "call", {Value::I32(2)})), 42);
  EXPECT_EQ(table->Get(0)->funcref(), get);

  // A failed instantiation that wrote into the shared table: what it wrote stays callable.
  auto failing = *engine->Compile(Wat(R"((module (import "env" "table" (table 4 funcref))
      (func $seven (result i32) (i32.const 7)) (elem (i32.const 3) func $seven) (elem (i32.const 9) func $seven)))"));
  auto failed = context->Instantiate(failing, linker);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(TrapKindOf(failed.error().message), TrapKind::kTableOutOfBounds);
  EXPECT_EQ(I32Of(CallOn(*b, "call", {Value::I32(3)})), 7);
  EXPECT_EQ(interp_context.kept(), 2u);

  // Instances that only call the host and hand out their memory are not kept.
  auto plain = *engine->Compile(Wat(R"((module (import "env" "f" (func $f (param i32) (result i32)))
      (memory (export "memory") 1) (func (export "run") (result i32) (call $f (i32.const 1)))))"));
  auto host = std::make_shared<Linker>();
  host->Define("env", "f", FuncType{{ValType::kI32}, {ValType::kI32}},
               [](Caller&, std::span<const Value> args, std::span<Value> results) {
                 results[0] = Value::I32(args[0].i32() + 1);
                 return Status::Ok();
               });
  for (int i = 0; i < 20; ++i) {
    auto instance = *context->Instantiate(plain, host);
    EXPECT_EQ(I32Of(CallOn(*instance, "run")), 2);
    EXPECT_TRUE(instance->GetExport("memory").ok());
  }
  EXPECT_EQ(interp_context.kept(), 2u);
  b.reset();
}

// A funcref an instance passes to another instance stays valid there after the first one is gone.
TEST(InterpTest, FuncRefsPassedToAnotherInstanceOutliveTheirInstance) {
  auto engine = EngineOf(true);
  auto context = *engine->NewContext();
  auto keeper = *context->Instantiate(*engine->Compile(Wat(R"((module (table $t 1 funcref) (type $r (func (result i32)))
      (func (export "keep") (param funcref) (table.set $t (i32.const 0) (local.get 0)))
      (func (export "call") (result i32) (call_indirect $t (type $r) (i32.const 0)))))")),
                                      std::make_shared<Linker>());
  auto linker = std::make_shared<Linker>();
  ASSERT_TRUE(linker->DefineInstance("keeper", *keeper).ok());
  auto giver =
      *context->Instantiate(*engine->Compile(Wat(R"((module (import "keeper" "keep" (func $keep (param funcref)))
      (func $nine (result i32) (i32.const 9)) (elem declare func $nine)
      (func (export "give") (call $keep (ref.func $nine)))))")),
                            linker);
  ASSERT_TRUE(CallOn(*giver, "give").ok());
  giver.reset();
  EXPECT_EQ(I32Of(CallOn(*keeper, "call")), 9);
}

// Objects that outlive their context only fail.
TEST(InterpTest, ObjectsOfADeadContextFail) {
  auto engine = EngineOf(true);
  auto context = *engine->NewContext();
  auto table = *context->NewTable(TableType{ValType::kExternRef, Limits{1, 2}}, Value::ExternRef(nullptr));
  auto global = *context->NewGlobal(GlobalType{ValType::kI32, true}, Value::I32(1));
  auto in =
      *context->Instantiate(*engine->Compile(Wat(R"((module (memory (export "m") 1)))")), std::make_shared<Linker>());
  auto memory = (*in->GetExport("m")).memory();
  EXPECT_EQ(memory->size(), Memory::kPageSize);
  in.reset();
  EXPECT_EQ(memory->size(), Memory::kPageSize);  // the host's now
  context.reset();
  EXPECT_EQ(memory->size(), 0u);
  EXPECT_EQ(table->size(), 0u);
  EXPECT_FALSE(table->Get(0).ok());
  EXPECT_FALSE(table->Grow(1, Value::ExternRef(nullptr)).ok());
  EXPECT_FALSE(global->Get().ok());
}

TEST(InterpTest, InstantiationTrapsOnSegmentsAndStart) {
  auto engine = EngineOf(true);
  auto context = *engine->NewContext();
  auto data = engine->Compile(Wat(R"((module (memory 1) (data (i32.const 65535) "ab")))"));
  ASSERT_TRUE(data.ok());
  auto r = context->Instantiate(*data, std::make_shared<Linker>());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "out of bounds memory access");
  auto start = engine->Compile(Wat(R"((module (func $s unreachable) (start $s)))"));
  ASSERT_TRUE(start.ok());
  r = context->Instantiate(*start, std::make_shared<Linker>());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTrap);
  EXPECT_NE(r.error().message.find("unreachable"), std::string::npos);
}

TEST(InterpTest, RunawayRecursionExhaustsTheCallStackCleanly) {
  auto in = Make(R"((module
      (func $down (export "down") (param i64) (result i64) (i64.add (call $down (local.get 0)) (i64.const 1)))))");
  EXPECT_EQ(TrapOf(in.Call("down", {Value::I64(0)})), "call stack exhausted");
  EXPECT_EQ(TrapOf(in.Call("down", {Value::I64(0)})), "call stack exhausted");  // and again: stacks unwound
}

TEST(InterpTest, HostReentrancyCannotOverflowTheNativeStack) {
  // The guest calls the host, which calls the guest again, forever: the native stack grows with each round trip.
  auto linker = std::make_shared<Linker>();
  int rounds = 0;
  linker->Define("env", "again", FuncType{{}, {}}, [&rounds](Caller& caller, std::span<const Value>, std::span<Value>) {
    ++rounds;
    auto r = caller.instance().Call("enter", {});
    return r.ok() ? Status::Ok() : Status(r.take_error());
  });
  auto in =
      Make(R"((module (import "env" "again" (func $again)) (func (export "enter") (call $again))))", true, linker);
  auto r = in.Call("enter");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("call stack exhausted"), std::string::npos) << r.error().message;
  EXPECT_GT(rounds, 100);
}

TEST(InterpTest, InterruptStopsLoopsAndCallsInEveryForm) {
  auto in = Make(R"((module
      (func (export "loop") (loop (br 0)))
      (func (export "loop_if") (param i32) (loop (br_if 0 (local.get 0))))
      (func (export "loop_table") (param i32) (loop (br_table 0 0 (local.get 0))))
      (func $r (export "recurse") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (call $r (i32.sub (local.get 0) (i32.const 1))) (call $r (i32.sub (local.get 0) (i32.const 1))) (i32.add))))))");
  for (auto [name, args] : std::vector<std::pair<std::string, std::vector<Value>>>{{"loop", {}},
                                                                                   {"loop_if", {Value::I32(1)}},
                                                                                   {"loop_table", {Value::I32(0)}},
                                                                                   {"recurse", {Value::I32(60)}}}) {
    CallOptions soon;
    soon.deadline = steady_clock::now() + milliseconds(30);
    auto r = in.Call(name, args, soon);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error().code, ErrorCode::kInterrupted) << name;
  }
  // An interrupt asked while no call runs does not stop the next one.
  in.instance->interrupt_handle()->Interrupt();
  EXPECT_EQ(I32Of(in.Call("recurse", {Value::I32(3)})), 0);
}

TEST(InterpTest, TranslationFoldsLocalsConstantsAndCompares) {
  // local.get + i32.const + i32.add + local.set is one instruction of 4 units, then the return of 1 unit.
  FunctionCode add = Translated(R"((module (func (param i32)
      (local.set 0 (i32.add (local.get 0) (i32.const 1))))))",
                                0);
  EXPECT_EQ(add.code.size(), 5u);
  // A counted loop: the increment (4 units) and one compare-and-branch (4 units), then the return.
  FunctionCode loop = Translated(R"((module (func (local i32)
      (loop (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br_if 0 (i32.lt_s (local.get 0) (i32.const 10)))))))",
                                 0);
  EXPECT_EQ(loop.code.size(), 9u);
  // Arguments computed in place need no copies: two adds (one I32AddImm2 of 7 units) and the call (3 units), then
  // the return of its result.
  FunctionCode call = Translated(R"((module (func $f (param i32 i32) (result i32) (local.get 0))
      (func (param i32) (result i32) (call $f (i32.add (local.get 0) (i32.const 1)) (i32.add (local.get 0) (i32.const 2))))))",
                                 1);
  EXPECT_EQ(call.code.size(), 7u + 3u + 2u);
}

// A branch on (x & constant) is one bit-test-and-branch, for br_if (taken when non-zero) and for if (taken when zero),
// and computes what the two instructions do; a result that is also kept (tee) is computed and tested by one
// instruction (I32AndImmBrIf) as well.
TEST(InterpTest, ABranchOnAMaskedValueIsOneBitTest) {
  const std::string wat = R"((module
      (func (export "bit2") (param i32) (result i32)
        (block (br_if 0 (i32.and (local.get 0) (i32.const 4))) (return (i32.const 0))) (i32.const 1))
      (func (export "low_clear") (param i32) (result i32)
        (if (result i32) (i32.and (local.get 0) (i32.const 0x80000001)) (then (i32.const 7)) (else (i32.const 9))))
      (func (export "kept") (param i32) (result i32) (local i32)
        (block (br_if 0 (local.tee 1 (i32.and (local.get 0) (i32.const 3))))) (local.get 1))))";
  // The and (4 units) and the br_if (3) become one instruction of 4 units: 3 fewer than for an or, which stays two.
  EXPECT_EQ(UnitsSavedOver(wat, "i32.and", "i32.or "), 3);
  for (bool guarded : {true, false}) {
    Instantiated in = Make(wat, guarded);
    ASSERT_TRUE(in.instance);
    for (int32_t x : {0, 3, 4, 5, -1, 0x7ffffffb, static_cast<int32_t>(0x80000000)}) {
      EXPECT_EQ(I32Of(in.Call("bit2", {Value::I32(x)})), (x & 4) ? 1 : 0) << x;
      EXPECT_EQ(I32Of(in.Call("low_clear", {Value::I32(x)})), (x & 0x80000001) ? 7 : 9) << x;
      EXPECT_EQ(I32Of(in.Call("kept", {Value::I32(x)})), x & 3) << x;
    }
  }
}

// A branch on eqz(x & constant), clang's `if (!(x & C))`, is the same bit test with the sense inverted: the and (4
// units), the eqz and the br_if become one instruction of 4 units, 3 fewer than for an or (whose eqz and br_if are
// one branch-if-zero); an eqz kept as a value still computes.
TEST(InterpTest, ABranchOnAnEqzOfAMaskedValueIsOneBitTest) {
  const std::string wat = R"((module
      (func (export "clear2") (param i32) (result i32)
        (block (br_if 0 (i32.eqz (i32.and (local.get 0) (i32.const 4)))) (return (i32.const 0))) (i32.const 1))
      (func (export "if_set") (param i32) (result i32)
        (if (result i32) (i32.eqz (i32.and (local.get 0) (i32.const 0x80000001))) (then (i32.const 7))
          (else (i32.const 9))))
      (func (export "value") (param i32) (result i32) (i32.eqz (i32.and (local.get 0) (i32.const 6))))))";
  EXPECT_EQ(UnitsSavedOver(wat, "i32.and", "i32.or "), 3);
  for (bool guarded : {true, false}) {
    Instantiated in = Make(wat, guarded);
    ASSERT_TRUE(in.instance);
    for (int32_t x : {0, 3, 4, 5, 6, -1, 0x7ffffffb, static_cast<int32_t>(0x80000000)}) {
      EXPECT_EQ(I32Of(in.Call("clear2", {Value::I32(x)})), (x & 4) ? 0 : 1) << x;
      EXPECT_EQ(I32Of(in.Call("if_set", {Value::I32(x)})), (x & 0x80000001) ? 9 : 7) << x;
      EXPECT_EQ(I32Of(in.Call("value", {Value::I32(x)})), (x & 6) ? 0 : 1) << x;
    }
  }
}

// Two copies in a row are one Copy2 (5 units, where two Copy take 6), done in order: a chain (b = a, then c = b)
// sees the first copy's result, and so does a swap through a third local.
TEST(InterpTest, TwoCopiesInARowAreOneInstruction) {
  const std::string one = R"((module (func (export "f") (param i32 i32 i32) (local.set 1 (local.get 0)))))";
  const std::string two = R"((module (func (export "f") (param i32 i32 i32) (result i32)
      (local.set 1 (local.get 0)) (local.set 2 (local.get 1)) (i32.sub (local.get 2) (local.get 0)))))";
  std::string two_alone = two;
  two_alone.replace(two_alone.find(" (result i32)"), 13, "");
  two_alone.replace(two_alone.find(" (i32.sub"), std::string(" (i32.sub (local.get 2) (local.get 0))").size(), "");
  EXPECT_EQ(Translated(one, 0).code.size() + 2, Translated(two_alone, 0).code.size());
  const std::string swap = R"((module (func (export "f") (param i32 i32) (result i32) (local i32)
      (local.set 2 (local.get 0)) (local.set 0 (local.get 1)) (local.set 1 (local.get 2))
      (i32.sub (i32.mul (local.get 0) (i32.const 10)) (local.get 1)))))";
  for (bool guarded : {true, false}) {
    Instantiated in = Make(two, guarded);
    ASSERT_TRUE(in.instance);
    EXPECT_EQ(I32Of(in.Call("f", {Value::I32(5), Value::I32(1), Value::I32(2)})), 0);
    Instantiated s = Make(swap, guarded);
    ASSERT_TRUE(s.instance);
    EXPECT_EQ(I32Of(s.Call("f", {Value::I32(3), Value::I32(4)})), 4 * 10 - 3);
  }
}

// A load whose address is an i32.add of a constant is one instruction (5 units where the add and the load take 8):
// the sum wraps to 32 bits as the add does, then the offset is added without wrapping, and a sum past the memory
// still traps.
TEST(InterpTest, ALoadAtAPointerPlusAConstantIsOneInstruction) {
  const std::string wat = R"((module (memory 1)
      (data (i32.const 4) "\01\02\03\04\05\06\07\08")
      (func (export "word") (param i32) (result i32) (i32.load offset=2 (i32.add (local.get 0) (i32.const 2))))
      (func (export "byte") (param i32) (result i32) (i32.load8_u (i32.add (i32.const 5) (local.get 0))))))";
  EXPECT_EQ(UnitsSavedOver(wat, "i32.add", "i32.sub"), 3);
  for (bool guarded : {true, false}) {
    Instantiated in = Make(wat, guarded);
    ASSERT_TRUE(in.instance);
    EXPECT_EQ(static_cast<uint32_t>(I32Of(in.Call("word", {Value::I32(0)}))), 0x04030201u);
    EXPECT_EQ(I32Of(in.Call("byte", {Value::I32(2)})), 4);  // the byte at 7
    // 0xfffffffe + 2 wraps to 0: the word at 0 + offset 2.
    EXPECT_EQ(static_cast<uint32_t>(I32Of(in.Call("word", {Value::I32(-2)}))), 0x02010000u);
    EXPECT_EQ(I32Of(in.Call("byte", {Value::I32(-5)})), 0);
    EXPECT_EQ(TrapOf(in.Call("word", {Value::I32(65532)})), "out of bounds memory access");
    EXPECT_EQ(TrapOf(in.Call("word", {Value::I32(-3)})), "out of bounds memory access");  // 0xffffffff + 2 offset
    EXPECT_EQ(TrapOf(in.Call("byte", {Value::I32(65531)})), "out of bounds memory access");
  }
}

// A while loop's back edge repeats the loop's test (a few plain instructions and a conditional branch) with the
// branch inverted, instead of jumping to the test: for every kind of branch, an exit to a block not yet closed, to an
// outer loop or into an else already placed, and the loop still stops when interrupted. A loop whose test goes to the
// else of an if still open is left as it is.
TEST(InterpTest, AWhileLoopRepeatsItsTestAtItsBackEdge) {
  const std::string wat = R"((module (memory 1) (data (i32.const 16) "hello, world\00")
      (func (export "sum") (param $n i32) (result i32) (local $acc i32)
        (block $exit (loop $l
          (br_if $exit (i32.eqz (local.get $n)))
          (local.set $acc (i32.add (local.get $acc) (local.get $n)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (local.get $acc))
      (func (export "strlen") (param $p i32) (result i32) (local $q i32)
        (local.set $q (local.get $p))
        (block $exit (loop $l
          (br_if $exit (i32.eqz (i32.load8_u (local.get $q))))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br $l)))
        (i32.sub (local.get $q) (local.get $p)))
      (func (export "find") (param $p i32) (param $c i32) (result i32)
        (block $exit (loop $l
          (br_if $exit (i32.eq (i32.load8_u (local.get $p)) (local.get $c)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $l)))
        (local.get $p))
      (func (export "shift_to_bit") (param $x i32) (result i32) (local $n i32)
        (block $exit (loop $l
          (br_if $exit (i32.and (local.get $x) (i32.const 1)))
          (local.set $x (i32.shr_u (local.get $x) (i32.const 1)))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br $l)))
        (local.get $n))
      (func (export "steps64") (param $x i64) (param $end i64) (result i32) (local $n i32)
        (block $exit (loop $l
          (br_if $exit (i64.ge_s (local.get $x) (local.get $end)))
          (local.set $x (i64.add (local.get $x) (i64.const 3)))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br $l)))
        (local.get $n))
      (func (export "triangle") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $acc i32)
        (block $done (loop $outer
          (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $j (i32.const 0))
          (loop $inner
            (br_if $outer (i32.ge_s (local.get $j) (local.get $i)))
            (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $inner))))
        (local.get $acc))
      (func (export "evens") (param $n i32) (result i32) (local $acc i32)
        (block $exit (loop $l
          (if (i32.and (local.get $n) (i32.const 1))
            (then (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br $l))
            (else (br_if $exit (i32.eqz (local.get $n)))
                  (local.set $acc (i32.add (local.get $acc) (local.get $n)))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (local.get $acc))
      (func (export "forever") (param $x i32)
        (block $exit (loop $l (br_if $exit (i32.eqz (local.get $x))) (br $l))))))";
  // The rotated back edge of "sum" (the test: one 3-unit branch) takes 3 units more than a plain jump back, which is
  // what a br_if on a constant gives; "strlen" repeats a 4-unit load as well.
  auto size_with_plain_back_edge = [&](uint32_t function, const std::string& marker) {
    std::string plain = wat;
    plain.replace(plain.find(marker), std::string("(br $l)").size(), "(br_if $l (i32.const 1))");
    return static_cast<long>(Translated(wat, function).code.size()) -
           static_cast<long>(Translated(plain, function).code.size());
  };
  // The compiler reads back the instructions of a loop's head by their handler offsets: no two may be equal.
  for (bool guarded : {true, false}) {
    const int32_t* offsets = HandlerOffsets(guarded);
    const std::set<int32_t> distinct(offsets, offsets + static_cast<int>(Op::kCount));
    EXPECT_EQ(distinct.size(), static_cast<size_t>(Op::kCount)) << guarded;
  }
  EXPECT_EQ(size_with_plain_back_edge(0, "(br $l)"), 3);
  EXPECT_EQ(size_with_plain_back_edge(1, "(br $l)))\n        (i32.sub"), 7);
  for (bool guarded : {true, false}) {
    Instantiated in = Make(wat, guarded);
    ASSERT_TRUE(in.instance);
    for (int32_t n : {0, 1, 2, 10, 1000}) {
      EXPECT_EQ(I32Of(in.Call("sum", {Value::I32(n)})), n * (n + 1) / 2) << n;
      EXPECT_EQ(I32Of(in.Call("triangle", {Value::I32(n % 100)})), (n % 100) * (n % 100 + 1) / 2) << n;
      int32_t evens = 0;
      for (int32_t k = n; k > 0; --k) evens += (k & 1) ? 0 : k;
      EXPECT_EQ(I32Of(in.Call("evens", {Value::I32(n)})), evens) << n;
    }
    EXPECT_EQ(I32Of(in.Call("strlen", {Value::I32(16)})), 12);
    EXPECT_EQ(I32Of(in.Call("strlen", {Value::I32(28)})), 0);
    EXPECT_EQ(I32Of(in.Call("find", {Value::I32(16), Value::I32('o')})), 16 + 4);
    EXPECT_EQ(I32Of(in.Call("find", {Value::I32(16), Value::I32('h')})), 16);
    EXPECT_EQ(TrapOf(in.Call("find", {Value::I32(65530), Value::I32('z')})), "out of bounds memory access");
    for (uint32_t x : {1u, 2u, 8u, 0x80000000u, 0x00f00000u})
      EXPECT_EQ(I32Of(in.Call("shift_to_bit", {Value::I32(static_cast<int32_t>(x))})), std::countr_zero(x)) << x;
    EXPECT_EQ(I32Of(in.Call("steps64", {Value::I64(-10), Value::I64(10)})), 7);
    EXPECT_EQ(I32Of(in.Call("steps64", {Value::I64(5), Value::I64(-5)})), 0);
    EXPECT_EQ(I32Of(in.Call("steps64", {Value::I64(INT64_MIN), Value::I64(INT64_MIN + 7)})), 3);
    CallOptions soon;
    soon.deadline = steady_clock::now() + milliseconds(30);
    auto r = in.Call("forever", {Value::I32(1)}, soon);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInterrupted);
    EXPECT_TRUE(in.Call("forever", {Value::I32(0)}).ok());
  }
}

// Compile validates every body, which translates it: the code is kept and shared by every instance and thread.
TEST(InterpTest, FunctionsAreTranslatedOnceAtCompileAndShared) {
  auto engine = EngineOf(true);
  auto module = engine->Compile(Wat(R"((module
      (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_s (local.get 0) (i32.const 2)) (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
      (func (export "unused"))))"));
  ASSERT_TRUE(module.ok());
  auto* interp_module = dynamic_cast<const InterpModule*>(module->get());
  ASSERT_NE(interp_module, nullptr);
  EXPECT_EQ(interp_module->translated(), 2u);
  const FunctionCode* fib = interp_module->Code(0);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      auto context = engine->NewContext();
      auto instance = (*context)->Instantiate(*module, std::make_shared<Linker>());
      if (!instance) return;
      auto r = (*instance)->Call("fib", std::vector<Value>{Value::I32(20)});
      if (r && (*r)[0].i32() == 6765) ok++;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(interp_module->translated(), 2u);
  EXPECT_EQ(interp_module->Code(0), fib);
}

TEST(InterpTest, RestoreStateMapsTheSavedImageBack) {
  auto in = Make(R"((module (memory (export "memory") 32) (global $g (mut i32) (i32.const 5))
      (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)) (global.set $g (local.get 1)))
      (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "g") (result i32) (global.get $g))))");
  ASSERT_TRUE(in.Call("poke", {Value::I32(1 << 20), Value::I32(11)}).ok());
  ASSERT_TRUE(in.instance->SaveState().ok());
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(in.Call("poke", {Value::I32(1 << 20), Value::I32(99)}).ok());
    ASSERT_TRUE(in.Call("poke", {Value::I32(8), Value::I32(98)}).ok());
    Memory* memory = in.instance->memory();
    ASSERT_TRUE(memory->WriteU32((2 << 20) - 4, 97).ok());  // the host writes too
    ASSERT_TRUE(in.instance->RestoreState().ok());
    EXPECT_EQ(I32Of(in.Call("peek", {Value::I32(1 << 20)})), 11);
    EXPECT_EQ(I32Of(in.Call("peek", {Value::I32(8)})), 0);
    EXPECT_EQ(*memory->ReadU32((2 << 20) - 4), 0u);
    EXPECT_EQ(I32Of(in.Call("g")), 11);
  }
  // A second save replaces the image.
  ASSERT_TRUE(in.Call("poke", {Value::I32(8), Value::I32(42)}).ok());
  ASSERT_TRUE(in.instance->SaveState().ok());
  ASSERT_TRUE(in.Call("poke", {Value::I32(8), Value::I32(43)}).ok());
  ASSERT_TRUE(in.instance->RestoreState().ok());
  EXPECT_EQ(I32Of(in.Call("peek", {Value::I32(8)})), 42);
}

// Whether the 4 KiB page at p is the memory image's page (bit 61 of its /proc/self/pagemap entry), not a private copy.
bool IsImagePage(const uint8_t* p) {
  const int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  uint64_t entry = 0;
  const bool read = pread(fd, &entry, sizeof entry, static_cast<off_t>(reinterpret_cast<uintptr_t>(p) / 4096 * 8)) ==
                    static_cast<ssize_t>(sizeof entry);
  close(fd);
  EXPECT_TRUE(read) << "cannot read /proc/self/pagemap";
  EXPECT_TRUE(entry >> 63) << "the page is not present";
  return (entry >> 61) & 1;
}

// A restore copies back the few pages that were written (the mappings stay), and remaps the memory when many were.
TEST(InterpTest, RestoreImageCopiesFewWrittenPagesAndRemapsMany) {
  auto memory = LinearMemory::Create(32, std::nullopt);  // 2 MiB, 512 OS pages
  ASSERT_TRUE(memory.ok());
  uint8_t* base = (*memory)->base();
  std::memset(base + 4096, 0x11, 4096);  // one page with data; the others are holes of the image
  ASSERT_TRUE((*memory)->SaveImage().ok());
  for (int round = 0; round < 3; ++round) {
    base[4096 + 5] = 0x22;    // an image page
    base[10 * 4096 + 7] = 9;  // a hole
    ASSERT_TRUE((*memory)->RestoreImage().ok());
    EXPECT_EQ(base[4096 + 5], 0x11);
    EXPECT_EQ(base[10 * 4096 + 7], 0);
    EXPECT_FALSE(IsImagePage(base + 4096)) << "copied back: the private copy stays";
  }
  const size_t many = LinearMemory::kMaxCopiedPages + 10;
  std::memset(base, 0x33, many * 4096);
  ASSERT_TRUE((*memory)->RestoreImage().ok());
  EXPECT_EQ(base[0], 0);
  EXPECT_EQ(base[4096 + 5], 0x11);
  EXPECT_EQ(base[many * 4096 - 1], 0);
  EXPECT_TRUE(IsImagePage(base + 4096)) << "remapped: the image's page again";
}

TEST(InterpTest, FaultsOutsideGuestMemoryAreNotTraps) {
#ifdef CAPSULE_SANITIZE
  GTEST_SKIP() << "AddressSanitizer reports the fault itself and exits";
#endif
  // A host function that dereferences a bad pointer crashes the process as it would without the interpreter.
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // other tests started the deadline watchdog's thread
  EXPECT_EXIT(
      {
        auto linker = std::make_shared<Linker>();
        linker->Define("env", "crash", FuncType{{}, {}}, [](Caller&, std::span<const Value>, std::span<Value>) {
          volatile int* p = nullptr;
          *p = 1;
          return Status::Ok();
        });
        auto in =
            Make(R"((module (import "env" "crash" (func $c)) (memory 1) (func (export "f") (call $c))))", true, linker);
        (void)in.Call("f");
        std::exit(0);
      },
      ::testing::KilledBySignal(SIGSEGV), "");
}

// Whether the code of a function starts with op.
bool StartsWith(const FunctionCode& code, Op op) {
  return !code.code.empty() && code.code[0] == static_cast<uint32_t>(HandlerOffsets(true)[static_cast<int>(op)]);
}

// Two adjacent instructions that the hello-world guest runs often in a row become one (the compiler's peepholes);
// each fused instruction does exactly what the two did, traps included, and never takes in an instruction that a
// branch lands on.
TEST(InterpTest, AdjacentInstructionsFuseIntoOne) {
  const std::string wat = R"((module (memory 1) (data (i32.const 100) "ab,cd\00xyz")
      (func (export "next_byte") (param $p i32) (result i32)
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (i32.add (i32.load8_u offset=2 (local.get $p)) (i32.shl (local.get $p) (i32.const 8))))
      (func (export "next_word") (param $p i32) (result i32)
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (i32.xor (i32.load (local.get $p)) (local.get $p)))
      (func (export "two_adds") (param $x i32) (result i32) (local $y i32) (local $z i32)
        (local.set $y (i32.add (local.get $x) (i32.const 5)))
        (local.set $z (i32.add (local.get $y) (i32.const -7)))
        (i32.sub (i32.mul (local.get $y) (i32.const 1000)) (local.get $z)))
      (func (export "add_then_load") (param $x i32) (result i32) (local $y i32)
        (local.set $y (i32.add (local.get $x) (i32.const 3)))
        (i32.add (i32.load (i32.add (local.get $y) (i32.const 97))) (local.get $y)))
      (func (export "find_comma") (param $p i32) (result i32)
        (block $exit (loop $l
          (br_if $exit (i32.eq (i32.load8_u (local.get $p)) (i32.const 44)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $l (i32.ne (i32.load8_u (local.get $p)) (i32.const 0)))))
        (local.get $p))
      (func (export "byte_kept") (param $p i32) (result i32) (local $c i32)
        (block $b (br_if $b (i32.ne (local.tee $c (i32.load8_u (local.get $p))) (i32.const 98)))
          (local.set $c (i32.const 1000)))
        (local.get $c))
      (func (export "and_kept") (param $x i32) (result i32) (local $m i32)
        (block $b (br_if $b (local.tee $m (i32.and (local.get $x) (i32.const 0x30)))) (local.set $m (i32.const 99)))
        (if (local.tee $x (i32.and (local.get $x) (i32.const 1)))
          (then (local.set $m (i32.add (local.get $m) (i32.const 1000)))))
        (i32.add (local.get $m) (local.get $x)))
      (func (export "const_br") (param $x i32) (result i32)
        (block $b (result i32) (if (local.get $x) (then (br $b (i32.const 7)))) (i32.const 9)))
      (func (export "label_between") (param $p i32) (param $c i32) (result i32)
        (block $b (br_if $b (local.get $c)) (local.set $p (i32.add (local.get $p) (i32.const 1))))
        (i32.load8_u (local.get $p)))
      (func (export "and_label_between") (param $x i32) (param $c i32) (result i32)
        (if (local.get $c) (then (local.set $x (i32.and (local.get $x) (i32.const 6)))))
        (block $b (br_if $b (local.get $x)) (return (i32.const -1)))
        (local.get $x))))";
  EXPECT_TRUE(StartsWith(Translated(wat, 0), Op::kI32AddImmLoad8U));
  EXPECT_TRUE(StartsWith(Translated(wat, 1), Op::kI32AddImmLoad));
  EXPECT_TRUE(StartsWith(Translated(wat, 2), Op::kI32AddImm2));
  EXPECT_TRUE(StartsWith(Translated(wat, 3), Op::kI32AddImm));  // the pair split again: the load adds the second
  EXPECT_TRUE(StartsWith(Translated(wat, 4), Op::kBrIfLoad8UEqImm));
  EXPECT_TRUE(StartsWith(Translated(wat, 5), Op::kBrIfLoad8UNeImm));
  EXPECT_TRUE(StartsWith(Translated(wat, 6), Op::kI32AndImmBrIf));
  const FunctionCode const_br = Translated(wat, 7);  // the if's branch (3 units), then the constant and the jump
  ASSERT_GT(const_br.code.size(), 3u);
  EXPECT_EQ(const_br.code[3], static_cast<uint32_t>(HandlerOffsets(true)[static_cast<int>(Op::kConst32Br)]));
  EXPECT_FALSE(StartsWith(Translated(wat, 8), Op::kI32AddImmLoad8U));
  for (bool guarded : {true, false}) {
    Instantiated in = Make(wat, guarded);
    ASSERT_TRUE(in.instance);
    for (int32_t p : {99, 100, 101, 102}) {
      const char* text = "ab,cd\0xyz";
      auto at = [&](int32_t a) { return a >= 100 && a < 109 ? static_cast<unsigned char>(text[a - 100]) : 0; };
      EXPECT_EQ(I32Of(in.Call("next_byte", {Value::I32(p)})), at(p + 3) + ((p + 1) << 8)) << p;
      EXPECT_EQ(I32Of(in.Call("byte_kept", {Value::I32(p)})), at(p) == 98 ? 1000 : at(p)) << p;
      EXPECT_EQ(I32Of(in.Call("label_between", {Value::I32(p), Value::I32(1)})), at(p)) << p;
      EXPECT_EQ(I32Of(in.Call("label_between", {Value::I32(p), Value::I32(0)})), at(p + 1)) << p;
    }
    EXPECT_EQ(I32Of(in.Call("next_word", {Value::I32(96)})), 0x632c6261 ^ 100);  // "ab,c" at 100
    EXPECT_EQ(I32Of(in.Call("add_then_load", {Value::I32(0)})), 0x632c6261 + 3);
    for (int32_t x : {0, 2, -5, 1 << 30, INT32_MAX}) {
      const uint32_t y = static_cast<uint32_t>(x) + 5, z = y - 7;
      EXPECT_EQ(I32Of(in.Call("two_adds", {Value::I32(x)})), static_cast<int32_t>(y * 1000 - z)) << x;
      EXPECT_EQ(I32Of(in.Call("and_kept", {Value::I32(x)})),
                ((x & 0x30) ? (x & 0x30) : 99) + ((x & 1) ? 1000 : 0) + (x & 1))
          << x;
      EXPECT_EQ(I32Of(in.Call("const_br", {Value::I32(x)})), x ? 7 : 9) << x;
      for (int32_t c : {0, 1})
        EXPECT_EQ(I32Of(in.Call("and_label_between", {Value::I32(x), Value::I32(c)})),
                  (c ? (x & 6) : x) ? (c ? (x & 6) : x) : -1)
            << x << " " << c;
    }
    EXPECT_EQ(I32Of(in.Call("find_comma", {Value::I32(100)})), 102);  // stops at the comma
    EXPECT_EQ(I32Of(in.Call("find_comma", {Value::I32(103)})), 105);  // stops at the NUL
    // Traps, in both memory modes.
    EXPECT_EQ(I32Of(in.Call("next_byte", {Value::I32(65532)})), 65533 << 8);  // the last byte
    EXPECT_EQ(TrapOf(in.Call("next_byte", {Value::I32(65533)})), "out of bounds memory access");
    EXPECT_EQ(TrapOf(in.Call("next_word", {Value::I32(65530)})), "out of bounds memory access");
    EXPECT_EQ(TrapOf(in.Call("find_comma", {Value::I32(65536)})), "out of bounds memory access");
    EXPECT_EQ(TrapOf(in.Call("byte_kept", {Value::I32(-1)})), "out of bounds memory access");
  }
}

// A constant operand is an immediate: loads at a constant address, stores of a constant, select with a constant
// arm, a constant minus a value. Constants that do not fit the immediate (an i64 store of 2^31, a select of an i64
// above 2^32, an address plus offset past 2^32) keep the general form, with the same results.
TEST(InterpTest, ConstantOperandsAreImmediates) {
  const std::string wat = R"((module (memory 1)
      (func (export "store_consts") (param $p i32)
        (i32.store (local.get $p) (i32.const -2))
        (i64.store offset=8 (local.get $p) (i64.const -3))
        (i32.store8 offset=16 (local.get $p) (i32.const 0x1ff))
        (i64.store8 offset=17 (local.get $p) (i64.const 0x1234))
        (i64.store offset=24 (local.get $p) (i64.const 0x80000000))
        (f32.store offset=32 (local.get $p) (f32.const 1.5))
        (f64.store offset=40 (local.get $p) (f64.const 0)))
      (func (export "load_word") (result i32) (i32.load offset=4 (i32.const 96)))
      (func (export "load_i64") (result i64) (i64.load offset=8 (i32.const 100)))
      (func (export "load_i64_2") (result i64) (i64.load (i32.const 124)))
      (func (export "load_f32") (result f32) (f32.load offset=32 (i32.const 100)))
      (func (export "load_end") (result i32) (i32.load offset=65532 (i32.const 0)))
      (func (export "load_past_end") (result i32) (i32.load offset=65530 (i32.const 3)))
      (func (export "load_i64_past_end") (result i64) (i64.load (i32.const 65529)))
      (func (export "load_wraps") (result i32) (i32.load offset=0xffffffff (i32.const 1)))
      (func (export "sel_a") (param $c i32) (param $b i32) (result i32) (select (i32.const 7) (local.get $b) (local.get $c)))
      (func (export "sel_b") (param $c i32) (param $a i32) (result i32) (select (local.get $a) (i32.const -7) (local.get $c)))
      (func (export "sel64") (param $c i32) (param $a i64) (result i64)
        (i64.add (select (local.get $a) (i64.const 0xffffffff) (local.get $c))
                 (select (i64.const -1) (local.get $a) (local.get $c))))
      (func (export "rsub") (param $x i32) (result i32) (i32.sub (i32.const 10) (local.get $x)))))";
  EXPECT_TRUE(StartsWith(Translated(wat, 0), Op::kI32StoreImm));
  EXPECT_TRUE(StartsWith(Translated(wat, 1), Op::kI32LoadAbs));
  EXPECT_TRUE(StartsWith(Translated(wat, 2), Op::kI64LoadAbs));
  EXPECT_TRUE(StartsWith(Translated(wat, 9), Op::kSelectImmA));
  EXPECT_TRUE(StartsWith(Translated(wat, 10), Op::kSelectImmB));
  EXPECT_TRUE(StartsWith(Translated(wat, 12), Op::kI32RSubImm));
  EXPECT_FALSE(StartsWith(Translated(wat, 8), Op::kI32LoadAbs));
  for (bool guarded : {true, false}) {
    Instantiated in = Make(wat, guarded);
    ASSERT_TRUE(in.instance);
    ASSERT_TRUE(in.Call("store_consts", {Value::I32(100)}).ok());
    EXPECT_EQ(I32Of(in.Call("load_word")), -2);
    auto i64 = [](Result<std::vector<Value>> r) { return r.ok() ? (*r)[0].i64() : 0; };
    EXPECT_EQ(i64(in.Call("load_i64")), -3);
    EXPECT_EQ(i64(in.Call("load_i64_2")), 0x80000000ll);
    auto f32 = in.Call("load_f32");
    ASSERT_TRUE(f32.ok());
    EXPECT_EQ((*f32)[0].f32(), 1.5f);
    ASSERT_TRUE(in.Call("store_consts", {Value::I32(65532 - 40)}).ok() == false);  // the f64 store is out of bounds
    EXPECT_EQ(I32Of(in.Call("load_end")), 0);
    ASSERT_TRUE(in.Call("store_consts", {Value::I32(96)}).ok());
    auto bytes = in.Call("load_i64");  // bytes 108..115: 112 and 113 are the second call's two store8
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ((static_cast<uint64_t>((*bytes)[0].i64()) >> 32) & 0xffff, 0x34ffu);
    EXPECT_EQ(TrapOf(in.Call("load_past_end")), "out of bounds memory access");
    EXPECT_EQ(TrapOf(in.Call("load_i64_past_end")), "out of bounds memory access");
    EXPECT_EQ(TrapOf(in.Call("load_wraps")), "out of bounds memory access");
    for (int32_t c : {0, 1, -1}) {
      EXPECT_EQ(I32Of(in.Call("sel_a", {Value::I32(c), Value::I32(40)})), c ? 7 : 40) << c;
      EXPECT_EQ(I32Of(in.Call("sel_b", {Value::I32(c), Value::I32(40)})), c ? 40 : -7) << c;
      const int64_t a = -5;
      EXPECT_EQ(i64(in.Call("sel64", {Value::I32(c), Value::I64(a)})), (c ? a : 0xffffffffll) + (c ? -1 : a)) << c;
    }
    for (int32_t x : {0, 10, 11, -1, INT32_MIN})
      EXPECT_EQ(I32Of(in.Call("rsub", {Value::I32(x)})), static_cast<int32_t>(10u - static_cast<uint32_t>(x))) << x;
  }
}

}  // namespace
}  // namespace capsule::internal::interp
