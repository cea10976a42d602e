// Shared state of the benchmarks: the engine, one context for the benchmark thread, guest bytes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "capsule/engine.h"

// The native builds of bench/guests/fib.c and bench/guests/sha256.c (the same sources as the wasm guests).
extern "C" {
int32_t bench_fib(int32_t n);
uint8_t* bench_sha256_input(void);
uint8_t* bench_sha256(uint32_t len);
}

namespace capsule::bench {

// Prints what failed and exits: a benchmark cannot continue without its setup.
[[noreturn]] void Die(const std::string& what, const Error& error);

// The value of r, or dies naming what.
template <class T>
T Must(Result<T> r, const std::string& what) {
  if (!r) Die(what, r.error());
  return std::move(r).value();
}
// Dies naming what when s is an error.
void Must(Status s, const std::string& what);

// The bytes of guest `name` (NAME.wasm in $CAPSULE_BENCH_GUEST_DIR, or in the build's guest directory).
const std::vector<uint8_t>& GuestBytes(const std::string& name);

// The process-wide engine: the backend named by $CAPSULE_BENCH_ENGINE (default V8), trap handler on.
Engine& TheEngine();

// The context of the benchmark thread; all benchmarks run on the main thread.
Context& TheContext();

// Compiles guest `name` once and caches the module.
std::shared_ptr<const Module> GuestModule(const std::string& name);

// A linker with bench.inc(i32) -> i32 (returns x + 1), the host function of the `bench_calls` guest.
std::shared_ptr<const Linker> BenchLinker();

// The host function registered as bench.inc, for the native reference call.
const HostFunc& IncHostFunc();

// Destroys the context and cached modules before the engine; call at the end of main.
void ShutdownEnv();

}  // namespace capsule::bench
