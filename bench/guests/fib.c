// Recursive Fibonacci: the same source is built as a wasm guest and natively, to compare generated code.
#include <stdint.h>

#include "bench_export.h"

// fib(n) computed the naive exponential way (fib(30) = 832040, ~1.6 M calls).
BENCH_EXPORT(fib) int32_t bench_fib(int32_t n) {
  return n < 2 ? n : bench_fib(n - 1) + bench_fib(n - 2);
}
