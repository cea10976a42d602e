// Engine overheads: instantiate, C++ -> wasm calls and wasm -> host calls.
#include <benchmark/benchmark.h>

#include <chrono>

#include "bench_env.h"

namespace capsule::bench {
namespace {

// Number of host calls the guest makes per benchmark iteration.
constexpr int32_t kHostCalls = 1'000'000;

// Context::Instantiate + destruction of a compiled module, with the one-function bench linker.
void BM_Instantiate(benchmark::State& state, const char* guest) {
  auto module = GuestModule(guest);
  auto linker = BenchLinker();
  for (auto _ : state) benchmark::DoNotOptimize(Must(TheContext().Instantiate(module, linker), "instantiate"));
}

// Instance::Call of noop(i32) -> i32 through a prepared Func handle.
void BM_CallWasm(benchmark::State& state) {
  auto instance = Must(TheContext().Instantiate(GuestModule("bench_calls"), BenchLinker()), "instantiate");
  Func noop = Must(instance->GetFunc("noop"), "GetFunc noop");
  Value args[1] = {Value::I32(0)};
  Value results[1];
  for (auto _ : state) {
    Must(instance->Call(noop, args, results), "call noop");
    args[0] = results[0];
  }
  if (args[0].i32() != static_cast<int32_t>(state.iterations())) state.SkipWithError("noop returned a wrong value");
}

// Instance::Call of double_f64(f64) -> f64: floats cross bit for bit, through a trampoline on V8.
void BM_CallWasmF64(benchmark::State& state) {
  auto instance = Must(TheContext().Instantiate(GuestModule("bench_calls"), BenchLinker()), "instantiate");
  Func f = Must(instance->GetFunc("double_f64"), "GetFunc double_f64");
  Value args[1] = {Value::F64(1)};
  Value results[1];
  for (auto _ : state) {
    Must(instance->Call(f, args, results), "call double_f64");
    args[0] = results[0].f64() > 1e300 ? Value::F64(1) : results[0];
  }
}

// Reference: a native call of the same function through a function pointer the compiler cannot see through.
int32_t NativeNoop(int32_t x) {
  return x + 1;
}
void BM_CallNative(benchmark::State& state) {
  int32_t (*volatile fn)(int32_t) = NativeNoop;
  int32_t x = 0;
  for (auto _ : state) benchmark::DoNotOptimize(x = fn(x));
}

// Instance::Call by export name (looks the export up on every call), for comparison.
void BM_CallWasmByName(benchmark::State& state) {
  auto instance = Must(TheContext().Instantiate(GuestModule("bench_calls"), BenchLinker()), "instantiate");
  Value args[1] = {Value::I32(0)};
  for (auto _ : state) benchmark::DoNotOptimize(Must(instance->Call("noop", args), "call noop"));
}

// The guest calls bench.inc kHostCalls times; the per_call counter is the time of one wasm -> host call.
void BM_HostCall(benchmark::State& state) {
  auto instance = Must(TheContext().Instantiate(GuestModule("bench_calls"), BenchLinker()), "instantiate");
  Func loop = Must(instance->GetFunc("call_host"), "GetFunc call_host");
  Value args[1] = {Value::I32(kHostCalls)};
  Value results[1];
  for (auto _ : state) {
    Must(instance->Call(loop, args, results), "call call_host");
    if (results[0].i32() != kHostCalls) state.SkipWithError("call_host returned a wrong value");
  }
  state.counters["per_call"] =
      benchmark::Counter(kHostCalls, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Reference: the same host function (a std::function) called natively kHostCalls times.
void BM_HostCallNative(benchmark::State& state) {
  auto instance = Must(TheContext().Instantiate(GuestModule("bench_calls"), BenchLinker()), "instantiate");
  Caller caller(*instance, instance->memory(), instance->data());
  const HostFunc& fn = IncHostFunc();
  Value args[1];
  Value results[1];
  for (auto _ : state) {
    args[0] = Value::I32(0);
    for (int32_t i = 0; i < kHostCalls; ++i) {
      Must(fn(caller, args, results), "host function");
      args[0] = results[0];
      benchmark::ClobberMemory();
    }
    if (args[0].i32() != kHostCalls) state.SkipWithError("host loop returned a wrong value");
  }
  state.counters["per_call"] =
      benchmark::Counter(kHostCalls, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Instance::RestoreState of the state guest (2 MiB of state) after the guest dirtied `pages` 4 KiB pages of it;
// only the restore is timed.
void BM_RestoreState(benchmark::State& state) {
  auto instance = Must(TheContext().Instantiate(GuestModule("bench_state"), BenchLinker()), "instantiate");
  Func touch = Must(instance->GetFunc("touch"), "GetFunc touch");
  Must(instance->SaveState(), "SaveState");
  const Value args[1] = {Value::I32(static_cast<int32_t>(state.range(0)))};
  Value results[1];
  for (auto _ : state) {
    Must(instance->Call(touch, args, results), "call touch");
    if (results[0].i32() != state.range(0)) state.SkipWithError("the state was not restored");
    const auto t0 = std::chrono::steady_clock::now();
    Must(instance->RestoreState(), "RestoreState");
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
}

BENCHMARK_CAPTURE(BM_Instantiate, calls, "bench_calls")->Name("instantiate/calls")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Instantiate, sha256, "bench_sha256")->Name("instantiate/sha256")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RestoreState)->Name("recycle/restore_2MiB_dirty")->Arg(16)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CallWasm)->Name("call/wasm_noop");
BENCHMARK(BM_CallWasmByName)->Name("call/wasm_noop_by_name");
BENCHMARK(BM_CallWasmF64)->Name("call/wasm_f64");
BENCHMARK(BM_CallNative)->Name("call/native_noop");
BENCHMARK(BM_HostCall)->Name("hostcall/wasm_to_host")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HostCallNative)->Name("hostcall/native_to_host")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace capsule::bench
