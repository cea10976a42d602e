// Call-overhead guest: an export the host calls, and a loop that calls an imported host function.
#include <stdint.h>

#include "bench_export.h"

// Host function bench.inc(x) -> x + 1, supplied by the benchmark's Linker.
BENCH_IMPORT(bench, inc) int32_t bench_host_inc(int32_t x);

// Returns x + 1: the cheapest useful (i32) -> i32 export.
BENCH_EXPORT(noop) int32_t bench_noop(int32_t x) {
  return x + 1;
}

// Returns x * 2: an (f64) -> f64 export, whose calls cross JS as bits through the V8 backend's trampoline.
BENCH_EXPORT(double_f64) double bench_double_f64(double x) {
  return x * 2;
}

// Calls the host function n times, feeding each result into the next call; returns the final value (n).
BENCH_EXPORT(call_host) int32_t bench_call_host(int32_t n) {
  int32_t acc = 0;
  for (int32_t i = 0; i < n; ++i) acc = bench_host_inc(acc);
  return acc;
}
