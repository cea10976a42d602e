// Unit tests of the engine API through the engine_basics guest, on the default backend (registered once per backend
// of CAPSULE_TEST_BACKENDS, which the test selects through CAPSULE_ENGINE).
#include "capsule/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace capsule {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

const FuncType kI32x2_I32{{ValType::kI32, ValType::kI32}, {ValType::kI32}};
const FuncType kVoid{{}, {}};

std::shared_ptr<Engine> TheEngine() {
  auto engine = Engine::Create();
  EXPECT_TRUE(engine.ok());
  return *engine;
}

std::shared_ptr<const Module> CompileGuest(const std::string& name, CompileOptions options = {}) {
  auto bytes = ReadFileBytes(std::string(CAPSULE_GUEST_DIR) + "/" + name + ".wasm");
  EXPECT_TRUE(bytes.ok()) << bytes.error().message;
  auto module = TheEngine()->Compile(*bytes, options);
  EXPECT_TRUE(module.ok()) << module.error().message;
  return *module;
}

// Host functions of the engine_basics guest; host_noop counts its calls in the instance's data.
struct HostCounter {
  int calls = 0;
};

std::shared_ptr<Linker> BasicsLinker() {
  auto linker = std::make_shared<Linker>();
  linker->Define("env", "host_add", kI32x2_I32, [](Caller&, std::span<const Value> a, std::span<Value> r) {
    r[0] = Value::I32(a[0].i32() + a[1].i32());
    return Status::Ok();
  });
  linker->Define("env", "host_fail", kVoid, [](Caller&, std::span<const Value>, std::span<Value>) {
    return Status(Fail(ErrorCode::kIo, "disk on fire"));
  });
  linker->Define("env", "host_noop", kVoid, [](Caller& caller, std::span<const Value>, std::span<Value>) {
    if (auto* c = caller.get<HostCounter>()) c->calls++;
    return Status::Ok();
  });
  linker->Define("env", "host_grow_and_write", FuncType{{}, {ValType::kI32}},
                 [](Caller& caller, std::span<const Value>, std::span<Value> r) {
                   // Grow the memory by calling back into the guest, then write past the old end.
                   auto old_pages = caller.instance().Call("grow", std::vector<Value>{Value::I32(2)});
                   if (!old_pages) return Status(old_pages.take_error());
                   uint32_t addr = static_cast<uint32_t>((*old_pages)[0].i32()) * 65536 + 65536;
                   if (auto st = caller.memory()->WriteU32(addr, 0xC0FFEE); !st) return st;
                   r[0] = Value::I32(static_cast<int32_t>(addr));
                   return Status::Ok();
                 });
  linker->Define("env", "host_i64", FuncType{{ValType::kI64, ValType::kF64}, {ValType::kI64}},
                 [](Caller&, std::span<const Value> a, std::span<Value> r) {
                   r[0] = Value::I64(a[0].i64() + static_cast<int64_t>(a[1].f64()));
                   return Status::Ok();
                 });
  return linker;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto context = TheEngine()->NewContext();
    ASSERT_TRUE(context.ok());
    context_ = std::move(*context);
    module_ = CompileGuest("engine_basics");
    auto instance = context_->Instantiate(module_, BasicsLinker());
    ASSERT_TRUE(instance.ok()) << instance.error().message;
    instance_ = std::move(*instance);
  }
  void TearDown() override {
    instance_.reset();
    context_.reset();
  }
  Result<std::vector<Value>> Call(std::string_view name, std::vector<Value> args, CallOptions options = {}) {
    return instance_->Call(name, args, options);
  }

  std::unique_ptr<Context> context_;
  std::shared_ptr<const Module> module_;
  std::unique_ptr<Instance> instance_;
};

TEST_F(EngineTest, IntrospectsImportsAndExports) {
  const ExportInfo* add = module_->FindExport("add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->kind, ExternKind::kFunc);
  EXPECT_EQ(add->func_type, kI32x2_I32);
  EXPECT_TRUE(module_->info().ExportsFunc("call_host_n"));
  EXPECT_FALSE(module_->info().ExportsFunc("memory"));
  const ExportInfo* memory = module_->FindExport("memory");
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->kind, ExternKind::kMemory);
  bool found = false;
  for (const auto& imp : module_->imports())
    if (imp.module == "env" && imp.name == "host_i64") {
      found = true;
      EXPECT_EQ(imp.func_type.ToString(), "(i64, f64) -> (i64)");
    }
  EXPECT_TRUE(found);
}

TEST_F(EngineTest, CallsWithEveryNumericType) {
  auto r = Call("add", {Value::I32(40), Value::I32(2)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].i32(), 42);
  r = Call("add64", {Value::I64(1LL << 40), Value::I64(-3)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].i64(), (1LL << 40) - 3);
  r = Call("mulf", {Value::F32(1.5f), Value::F32(4.0f)});
  ASSERT_TRUE(r.ok());
  EXPECT_FLOAT_EQ((*r)[0].f32(), 6.0f);
  r = Call("muld", {Value::F64(0.5), Value::F64(3.0)});
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ((*r)[0].f64(), 1.5);
}

TEST_F(EngineTest, RejectsBadArguments) {
  auto r = Call("add", {Value::I32(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  r = Call("add", {Value::I64(1), Value::I32(2)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  r = Call("nope", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  r = Call("memory", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(EngineTest, TrapsAreErrorsWithTheMessage) {
  auto r = Call("trap_unreachable", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTrap);
  EXPECT_NE(r.error().message.find("unreachable"), std::string::npos) << r.error().message;
  EXPECT_FALSE(instance_->healthy());

  r = Call("read_at", {Value::I32(-8)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTrap);
  EXPECT_NE(r.error().message.find("out of bounds"), std::string::npos) << r.error().message;

  r = Call("div", {Value::I32(1), Value::I32(0)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("divide by zero"), std::string::npos) << r.error().message;

  r = Call("deep", {Value::I32(100000000)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTrap);
  EXPECT_NE(r.error().message.find("stack"), std::string::npos) << r.error().message;

  // The instance still answers after traps.
  r = Call("add", {Value::I32(1), Value::I32(2)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32(), 3);
}

TEST_F(EngineTest, MemoryViewFollowsGrowth) {
  Memory* memory = instance_->memory();
  ASSERT_NE(memory, nullptr);
  size_t before = memory->size();
  EXPECT_EQ(before % 65536, 0u);
  EXPECT_FALSE(memory->Span(before - 4, 8).ok());
  auto r = Call("grow", {Value::I32(3)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(static_cast<size_t>((*r)[0].i32()) * 65536, before);
  EXPECT_EQ(memory->size(), before + 3 * 65536);
  ASSERT_TRUE(memory->WriteU32(before + 100, 0x12345678).ok());
  r = Call("read_at", {Value::I32(static_cast<int32_t>(before + 100))});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32(), 0x12345678);
  ASSERT_TRUE(Call("write_at", {Value::I32(static_cast<int32_t>(before + 200)), Value::I32(77)}).ok());
  auto v = memory->ReadU32(before + 200);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 77u);
  auto oob = memory->ReadU32(memory->size() - 2);
  ASSERT_FALSE(oob.ok());
  EXPECT_EQ(oob.error().code, ErrorCode::kTrap);
}

TEST_F(EngineTest, HostFunctionsSeeArgumentsMemoryAndData) {
  auto r = Call("call_host_add", {Value::I32(20), Value::I32(1)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].i32(), 42);

  HostCounter counter;
  instance_->data().set(&counter);
  r = Call("call_host_n", {Value::I32(1000)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(counter.calls, 1000);
  instance_->data().set<HostCounter>(nullptr);

  r = Call("call_host_i64", {Value::I64(1LL << 50), Value::F64(5.0)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].i64(), (1LL << 50) + 5);

  // Re-entrant call that grows memory; the host writes past the old end through a re-read view.
  r = Call("call_host_grow", {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].i32(), 0xC0FFEE);
}

TEST_F(EngineTest, HostErrorsStopTheGuest) {
  auto r = Call("call_host_fail", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().message.find("disk on fire"), std::string::npos);
  EXPECT_NE(r.error().message.find("host_fail"), std::string::npos);
}

TEST_F(EngineTest, ExitUnwindsWithTheCode) {
  auto linker = BasicsLinker();
  linker->Define("env", "host_fail", kVoid, [](Caller&, std::span<const Value>, std::span<Value>) {
    Error e = Fail(ErrorCode::kExit, "exit");
    e.exit_code = 7;
    return Status(e);
  });
  auto instance = context_->Instantiate(module_, linker);
  ASSERT_TRUE(instance.ok());
  auto r = (*instance)->Call("call_host_fail", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kExit);
  EXPECT_EQ(r.error().exit_code, 7);
}

TEST_F(EngineTest, DeadlineInterruptsAnInfiniteLoop) {
  auto start = steady_clock::now();
  CallOptions options;
  options.deadline = start + milliseconds(200);
  auto r = Call("loop_forever", {}, options);
  auto elapsed = steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInterrupted);
  EXPECT_GE(elapsed, milliseconds(190));
  EXPECT_FALSE(instance_->healthy());
  // The context is usable afterwards: a fresh instance runs normally, and a pending termination is gone.
  auto fresh = context_->Instantiate(module_, BasicsLinker());
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
  auto ok = (*fresh)->Call("add", std::vector<Value>{Value::I32(1), Value::I32(1)});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)[0].i32(), 2);
}

TEST_F(EngineTest, DeadlineNotReachedDoesNotInterrupt) {
  CallOptions options;
  options.deadline = steady_clock::now() + milliseconds(50);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(Call("add", {Value::I32(i), Value::I32(1)}, options).ok());
  std::this_thread::sleep_for(milliseconds(80));
  auto r = Call("add", {Value::I32(1), Value::I32(1)});
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_F(EngineTest, InterruptFromAnotherThread) {
  auto handle = instance_->interrupt_handle();
  std::thread killer([handle] {
    std::this_thread::sleep_for(milliseconds(100));
    handle->Interrupt();
  });
  auto r = Call("loop_forever", {});
  killer.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInterrupted);
  instance_.reset();
  handle->Interrupt();  // harmless once the instance is gone
}

TEST_F(EngineTest, InstancesAreIsolated) {
  auto other = context_->Instantiate(module_, BasicsLinker());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*Call("bump", {}))[0].i32(), 1);
  EXPECT_EQ((*Call("bump", {}))[0].i32(), 2);
  EXPECT_EQ((*(*other)->Call("bump", {}))[0].i32(), 1);
}

TEST_F(EngineTest, ModuleIsSharedAcrossThreads) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      auto context = TheEngine()->NewContext();
      if (!context) return;
      auto instance = (*context)->Instantiate(module_, BasicsLinker());
      if (!instance) return;
      auto r = (*instance)->Call("add", std::vector<Value>{Value::I32(t), Value::I32(100)});
      if (r && (*r)[0].i32() == t + 100) ok++;
      instance->reset();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 3);
}

TEST(EngineCompileTest, ContextCompiledModuleIsShareable) {
  auto bytes = ReadFileBytes(std::string(CAPSULE_GUEST_DIR) + "/engine_basics.wasm");
  ASSERT_TRUE(bytes.ok());
  auto context = TheEngine()->NewContext();
  ASSERT_TRUE(context.ok());
  auto module = (*context)->Compile(*bytes);
  ASSERT_TRUE(module.ok()) << module.error().message;
  auto here = (*context)->Instantiate(*module, BasicsLinker());
  ASSERT_TRUE(here.ok());
  EXPECT_EQ((*(*here)->Call("add", std::vector<Value>{Value::I32(2), Value::I32(3)}))[0].i32(), 5);
  int elsewhere = 0;
  std::thread other([&] {
    auto ctx = TheEngine()->NewContext();
    auto instance = (*ctx)->Instantiate(*module, BasicsLinker());
    if (instance) elsewhere = (*(*instance)->Call("add", std::vector<Value>{Value::I32(4), Value::I32(5)}))[0].i32();
  });
  other.join();
  EXPECT_EQ(elsewhere, 9);
  std::vector<uint8_t> junk = {0, 'a', 's', 'm', 2, 0, 0, 0};
  auto bad = (*context)->Compile(junk);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidModule);
}

TEST(EngineLinkTest, MissingImportIsNamed) {
  auto module = CompileGuest("engine_basics");
  auto linker = BasicsLinker();
  Linker partial;
  partial.Define("env", "host_add", kI32x2_I32,
                 [](Caller&, std::span<const Value>, std::span<Value>) { return Status::Ok(); });
  auto context = TheEngine()->NewContext();
  auto instance = (*context)->Instantiate(module, std::make_shared<Linker>(std::move(partial)));
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().code, ErrorCode::kLinkError);
  EXPECT_NE(instance.error().message.find("\"env\".\"host_fail\""), std::string::npos) << instance.error().message;
}

TEST(EngineLinkTest, SignatureMismatchIsNamed) {
  auto module = CompileGuest("engine_basics");
  auto linker = BasicsLinker();
  linker->Define("env", "host_add", FuncType{{ValType::kI32}, {}},
                 [](Caller&, std::span<const Value>, std::span<Value>) { return Status::Ok(); });
  // Both signatures are offered: the matching one binds.
  ASSERT_TRUE(linker->Check(module->info()).ok());
  Linker wrong;
  wrong.Define("env", "host_add", FuncType{{ValType::kI32}, {}}, nullptr);
  ImportInfo imp{.module = "env", .name = "host_add", .kind = ExternKind::kFunc, .func_type = kI32x2_I32};
  auto r = wrong.Resolve(imp);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("(i32) -> ()"), std::string::npos) << r.error().message;
}

TEST(EngineCompileTest, RejectsGarbage) {
  auto engine = TheEngine();
  std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
  auto r = engine->Compile(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidModule);
  EXPECT_NE(r.error().message.find("not a WebAssembly module"), std::string::npos);

  // A valid header and a function whose body does not type-check.
  std::vector<uint8_t> bad = {0,  'a', 's', 'm', 1, 0,    0,   0, 1, 4, 1, 0x60, 0, 0,  // type: () -> ()
                              3,  2,   1,   0,                                          // one function of type 0
                              10, 5,   1,   3,   0, 0x41, 0x0b};  // body: i32.const (missing immediate) end
  r = engine->Compile(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidModule);
  EXPECT_NE(r.error().message.find("invalid module"), std::string::npos) << r.error().message;

  auto bytes = ReadFileBytes(std::string(CAPSULE_GUEST_DIR) + "/engine_basics.wasm");
  ASSERT_TRUE(bytes.ok());
  bytes->resize(bytes->size() / 2);
  r = engine->Compile(*bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidModule);
}

TEST(EngineCompileTest, MemoryCapLimitsGrowth) {
  CompileOptions options;
  options.max_memory_pages = 40;
  auto module = CompileGuest("engine_basics", options);
  ASSERT_EQ(module->info().memories.size(), 1u);
  EXPECT_EQ(module->info().memories[0].max.value_or(0), 40u);
  auto context = TheEngine()->NewContext();
  auto instance = (*context)->Instantiate(module, BasicsLinker());
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  auto pages = (*instance)->Call("pages", {});
  ASSERT_TRUE(pages.ok());
  int32_t now = (*pages)[0].i32();
  ASSERT_LT(now, 40);
  auto r = (*instance)->Call("grow", std::vector<Value>{Value::I32(40 - now + 1)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32(), -1);
  r = (*instance)->Call("grow", std::vector<Value>{Value::I32(40 - now)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].i32(), now);

  options.max_memory_pages = 1;
  auto bytes = ReadFileBytes(std::string(CAPSULE_GUEST_DIR) + "/engine_basics.wasm");
  auto too_small = TheEngine()->Compile(*bytes, options);
  ASSERT_FALSE(too_small.ok());
  EXPECT_EQ(too_small.error().code, ErrorCode::kResourceLimit);
}

// A host function that waits sees the call's deadline through stop_requested() and ends the call.
TEST(EngineStopTest, WaitingHostFunctionSeesTheDeadline) {
  auto waiting = BasicsLinker();
  waiting->Define("env", "host_noop", kVoid, [](Caller& caller, std::span<const Value>, std::span<Value>) {
    const auto give_up = steady_clock::now() + std::chrono::seconds(10);
    while (!caller.instance().stop_requested())
      if (steady_clock::now() > give_up) return Status(Fail(ErrorCode::kInternal, "never asked to stop"));
    return Status(Fail(ErrorCode::kInterrupted, "stopped waiting"));
  });
  auto context = TheEngine()->NewContext();
  auto instance = (*context)->Instantiate(CompileGuest("engine_basics"), waiting);
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  EXPECT_FALSE((*instance)->stop_requested());
  CallOptions soon;
  soon.deadline = steady_clock::now() + milliseconds(50);
  const auto start = steady_clock::now();
  auto r = (*instance)->Call("call_host_n", std::vector<Value>{Value::I32(1)}, soon);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInterrupted) << r.error().message;
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE((*instance)->stop_requested());  // no call runs
}

// A start function that never returns is stopped by the instantiation's deadline; the context stays usable.
TEST(EngineStopTest, InstantiationDeadlineStopsAStartFunctionThatNeverReturns) {
  auto context = TheEngine()->NewContext();
  ASSERT_TRUE(context.ok());
  auto module = CompileGuest("engine_start_loop");
  CallOptions options;
  const auto start = steady_clock::now();
  options.deadline = start + milliseconds(100);
  auto instance = (*context)->Instantiate(module, std::make_shared<Linker>(), {}, options);
  const auto elapsed = steady_clock::now() - start;
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().code, ErrorCode::kInterrupted) << instance.error().message;
  EXPECT_GE(elapsed, milliseconds(90));
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  auto fresh = (*context)->Instantiate(CompileGuest("engine_basics"), BasicsLinker());
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
  auto sum = (*fresh)->Call("add", std::vector<Value>{Value::I32(2), Value::I32(3)});
  ASSERT_TRUE(sum.ok()) << sum.error().message;
  EXPECT_EQ((*sum)[0].i32(), 5);
}

// A hand-assembled module whose state lives in a mutable global that is not exported and in memory:
//   (memory (export "memory") 1) (global $g (mut i32) (i32.const 0))
//   (func (export "bump") (result i32)  ;; g += 1; mem[0] += 1; return g + mem[0]
//   (func (export "grow") (result i32)  ;; memory.grow 1
// extra_import adds (import "env" "g" (global (mut i32))), which makes the state not resettable.
std::vector<uint8_t> GlobalStateModule(bool extra_import = false) {
  auto section = [](uint8_t id, std::vector<uint8_t> body) {
    std::vector<uint8_t> out = {id, static_cast<uint8_t>(body.size())};
    out.insert(out.end(), body.begin(), body.end());
    return out;
  };
  std::vector<uint8_t> m = {0, 'a', 's', 'm', 1, 0, 0, 0};
  auto add = [&](std::vector<uint8_t> bytes) { m.insert(m.end(), bytes.begin(), bytes.end()); };
  add(section(1, {1, 0x60, 0, 1, 0x7f}));
  if (extra_import) add(section(2, {1, 3, 'e', 'n', 'v', 1, 'g', 3, 0x7f, 1}));
  add(section(3, {2, 0, 0}));
  add(section(5, {1, 0, 1}));
  add(section(6, {1, 0x7f, 1, 0x41, 0, 0x0b}));
  add(section(7, {3, 6, 'm', 'e', 'm', 'o', 'r', 'y', 2, 0, 4, 'b', 'u', 'm', 'p', 0, 0, 4, 'g', 'r', 'o', 'w', 0, 1}));
  const uint8_t g = extra_import ? 1 : 0;  // the defined global's index
  std::vector<uint8_t> bump = {0,    0x23, g,    0x41, 1, 0x6a, 0x24, g, 0x41, 0, 0x41, 0, 0x28, 2,    0,
                               0x41, 1,    0x6a, 0x36, 2, 0,    0x23, g, 0x41, 0, 0x28, 2, 0,    0x6a, 0x0b};
  std::vector<uint8_t> grow = {0, 0x41, 1, 0x40, 0, 0x0b};
  std::vector<uint8_t> code = {2, static_cast<uint8_t>(bump.size())};
  code.insert(code.end(), bump.begin(), bump.end());
  code.push_back(static_cast<uint8_t>(grow.size()));
  code.insert(code.end(), grow.begin(), grow.end());
  add(section(10, code));
  return m;
}

TEST(InstanceStateTest, RestoresMemoryAndUnexportedGlobals) {
  auto module = TheEngine()->Compile(GlobalStateModule());
  ASSERT_TRUE(module.ok()) << module.error().message;
  const StateLayout& state = (*module)->info().state;
  EXPECT_EQ(state.not_resettable, "");
  ASSERT_EQ(state.mutable_globals.size(), 1u);
  EXPECT_EQ((*module)->info().exports.size(), 3u);  // the host's state export is not listed
  auto context = TheEngine()->NewContext();
  auto instance = (*context)->Instantiate(*module, std::make_shared<Linker>());
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  Instance& in = **instance;
  EXPECT_EQ(in.RestoreState().error().code, ErrorCode::kInvalidArgument);  // nothing saved yet
  EXPECT_EQ((*in.Call("bump", {}))[0].i32(), 2);
  ASSERT_TRUE(in.SaveState().ok());
  EXPECT_EQ((*in.Call("bump", {}))[0].i32(), 4);
  EXPECT_EQ((*in.Call("bump", {}))[0].i32(), 6);
  ASSERT_TRUE(in.RestoreState().ok());
  EXPECT_EQ((*in.Call("bump", {}))[0].i32(), 4);  // global and memory both back at 1
  ASSERT_TRUE(in.RestoreState().ok());
  EXPECT_EQ((*in.Call("bump", {}))[0].i32(), 4);
  EXPECT_EQ((*in.Call("grow", {}))[0].i32(), 1);
  auto grown = in.RestoreState();
  ASSERT_FALSE(grown.ok());
  EXPECT_EQ(grown.error().code, ErrorCode::kResourceLimit);
}

TEST(InstanceStateTest, ImportedMutableGlobalIsNotResettable) {
  auto parsed = ParseModule(GlobalStateModule(/*extra_import=*/true), 0);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_NE(parsed->info.state.not_resettable.find("imported mutable global"), std::string::npos);
  EXPECT_TRUE(parsed->info.state.mutable_globals.empty());
  EXPECT_EQ(parsed->bytes, GlobalStateModule(true));  // nothing added
}

TEST_F(EngineTest, ClangOutputIsResettable) {
  EXPECT_EQ(module_->info().state.not_resettable, "");
  EXPECT_EQ((*Call("bump", {}))[0].i32(), 1);
  ASSERT_TRUE(instance_->SaveState().ok());
  EXPECT_EQ((*Call("bump", {}))[0].i32(), 2);
  EXPECT_EQ((*Call("bump", {}))[0].i32(), 3);
  ASSERT_TRUE(instance_->RestoreState().ok());
  EXPECT_EQ((*Call("bump", {}))[0].i32(), 2);
  // An interrupted (unhealthy) instance refuses.
  CallOptions soon;
  soon.deadline = steady_clock::now() + milliseconds(50);
  EXPECT_EQ(Call("loop_forever", {}, soon).error().code, ErrorCode::kInterrupted);
  EXPECT_EQ(instance_->RestoreState().error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace capsule
