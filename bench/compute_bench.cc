// Compute: fib(30) and SHA-256 of 4 MiB, each from one C source built as a wasm guest and natively (clang -O2).
// Each iteration runs the native and the wasm version back to back and times both with the thread's CPU clock, so
// the ratio compares the two under the same machine load.
#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "bench_env.h"

namespace capsule::bench {
namespace {

constexpr int32_t kFibN = 30;
constexpr int32_t kFibResult = 832040;
constexpr uint32_t kShaLen = 4 << 20;
// SHA-256 of the kShaLen bytes of Input() (checked with OpenSSL), and of "abc" (FIPS 180-2 example).
constexpr const char* kShaDigest = "59f41f46fe52079f24edc303087a25634c91bee7491b53d99695c39c4d934696";
constexpr const char* kAbcDigest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

// CPU time of the calling thread, in seconds.
double ThreadSeconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The benchmark input: byte i is (31 i + 7) mod 256.
std::vector<uint8_t> Input() {
  std::vector<uint8_t> in(kShaLen);
  for (uint32_t i = 0; i < kShaLen; ++i) in[i] = static_cast<uint8_t>(i * 31 + 7);
  return in;
}

std::string Hex(const uint8_t* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += {kDigits[p[i] >> 4], kDigits[p[i] & 15]};
  return s;
}

// Calls f a few times and waits, so V8's background TurboFan tier-up has replaced the baseline code.
void WarmUp(Instance& instance, const Func& f, std::span<const Value> args, std::span<Value> results) {
  for (int i = 0; i < 3; ++i) {
    Must(instance.Call(f, args, results), "warm-up call");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Runs native() and wasm() once per iteration; reports the wasm time, the native time and their ratio.
template <class Native, class Wasm>
void RunPair(benchmark::State& state, Native native, Wasm wasm) {
  double native_s = 0, wasm_s = 0;
  for (auto _ : state) {
    double t0 = ThreadSeconds();
    native();
    double t1 = ThreadSeconds();
    wasm();
    double t2 = ThreadSeconds();
    native_s += t1 - t0;
    wasm_s += t2 - t1;
    state.SetIterationTime(t2 - t1);
  }
  state.counters["native"] = benchmark::Counter(native_s, benchmark::Counter::kAvgIterations);
  state.counters["ratio"] = benchmark::Counter(native_s > 0 ? wasm_s / native_s : 0);
}

void BM_Fib(benchmark::State& state) {
  auto instance = Must(TheContext().Instantiate(GuestModule("bench_fib"), BenchLinker()), "instantiate");
  Func fib = Must(instance->GetFunc("fib"), "GetFunc fib");
  const Value args[1] = {Value::I32(kFibN)};
  Value results[1];
  WarmUp(*instance, fib, args, results);
  RunPair(
      state,
      [&] {
        int32_t n = kFibN;
        benchmark::DoNotOptimize(n);
        if (bench_fib(n) != kFibResult) state.SkipWithError("wrong native fib");
      },
      [&] {
        Must(instance->Call(fib, args, results), "call fib");
        if (results[0].i32() != kFibResult) state.SkipWithError("wrong wasm fib");
      });
}

void BM_Sha256(benchmark::State& state) {
  // Native: check "abc" and the input's digest once.
  std::memcpy(bench_sha256_input(), "abc", 3);
  if (Hex(bench_sha256(3), 32) != kAbcDigest) return state.SkipWithError("native sha256(abc) is wrong");
  auto in = Input();
  std::memcpy(bench_sha256_input(), in.data(), in.size());
  if (Hex(bench_sha256(kShaLen), 32) != kShaDigest) return state.SkipWithError("native sha256 of the input is wrong");

  // Wasm: the same checks through the guest's memory.
  auto instance = Must(TheContext().Instantiate(GuestModule("bench_sha256"), BenchLinker()), "instantiate");
  Func sha = Must(instance->GetFunc("sha256"), "GetFunc sha256");
  uint32_t input = Must(instance->Call("input_ptr", {}), "call input_ptr")[0].u32();
  Memory& mem = *instance->memory();
  Value results[1];
  auto wasm_hash = [&](uint32_t len) {
    const Value args[1] = {Value::I32(static_cast<int32_t>(len))};
    Must(instance->Call(sha, args, results), "call sha256");
    uint8_t digest[32];
    Must(mem.Read(results[0].u32(), digest, sizeof digest), "read digest");
    return Hex(digest, sizeof digest);
  };
  Must(mem.Write(input, "abc", 3), "write input");
  if (wasm_hash(3) != kAbcDigest) return state.SkipWithError("wasm sha256(abc) is wrong");
  Must(mem.Write(input, in.data(), in.size()), "write input");
  if (wasm_hash(kShaLen) != kShaDigest) return state.SkipWithError("wasm sha256 of the input is wrong");

  const Value args[1] = {Value::I32(static_cast<int32_t>(kShaLen))};
  WarmUp(*instance, sha, args, results);
  RunPair(
      state, [&] { benchmark::DoNotOptimize(bench_sha256(kShaLen)); },
      [&] { Must(instance->Call(sha, args, results), "call sha256"); });
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kShaLen);
}

BENCHMARK(BM_Fib)->Name("compute/fib30")->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sha256)->Name("compute/sha256_4MiB")->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace capsule::bench
