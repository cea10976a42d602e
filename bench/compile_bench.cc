// Compile time: Engine::Compile of new and of already seen bytes. Registered last (see CMakeLists.txt): compiling
// leaves V8 background work behind that would disturb the other benchmarks.
#include <benchmark/benchmark.h>

#include "bench_env.h"

namespace capsule::bench {
namespace {

// bytes plus a custom section "bench" holding counter: a module the engine has never seen (defeats any cache).
std::vector<uint8_t> UniqueModule(const std::vector<uint8_t>& bytes, uint64_t counter) {
  std::vector<uint8_t> out = bytes;
  const uint8_t header[] = {0x00, 14, 5, 'b', 'e', 'n', 'c', 'h'};  // id 0, size 1 + 5 + 8, name "bench"
  out.insert(out.end(), std::begin(header), std::end(header));
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(counter >> (8 * i)));
  return out;
}

// Engine::Compile of the same bytes each time (an engine may cache them).
void BM_Compile(benchmark::State& state, const char* guest) {
  const auto& bytes = GuestBytes(guest);
  for (auto _ : state) benchmark::DoNotOptimize(Must(TheEngine().Compile(bytes), "compile"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["wasm_bytes"] = static_cast<double>(bytes.size());
}

// Engine::Compile of bytes never seen before: parse, validate, Liftoff (TurboFan goes on in the background).
void BM_CompileUnique(benchmark::State& state, const char* guest) {
  const auto& bytes = GuestBytes(guest);
  static uint64_t counter = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto unique = UniqueModule(bytes, ++counter);
    state.ResumeTiming();
    benchmark::DoNotOptimize(Must(TheEngine().Compile(unique), "compile"));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["wasm_bytes"] = static_cast<double>(bytes.size());
}

BENCHMARK_CAPTURE(BM_Compile, sha256, "bench_sha256")->Name("compile/sha256")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CompileUnique, sha256, "bench_sha256")
    ->Name("compile/sha256_uncached")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_CompileUnique, libc, "bench_libc")->Name("compile/libc_uncached")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace capsule::bench
