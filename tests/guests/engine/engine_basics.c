// Guest for the engine unit tests: typed calls, traps, memory growth, host calls, interruption.
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(name) __attribute__((import_module("env"), import_name(name)))

IMPORT("host_add") int32_t host_add(int32_t a, int32_t b);
IMPORT("host_fail") void host_fail(void);
IMPORT("host_noop") void host_noop(void);
IMPORT("host_grow_and_write") int32_t host_grow_and_write(void);
IMPORT("host_i64") int64_t host_i64(int64_t a, double b);

EXPORT("add") int32_t add(int32_t a, int32_t b) {
  return a + b;
}
EXPORT("add64") int64_t add64(int64_t a, int64_t b) {
  return a + b;
}
EXPORT("mulf") float mulf(float a, float b) {
  return a * b;
}
EXPORT("muld") double muld(double a, double b) {
  return a * b;
}
EXPORT("noop") int32_t noop(int32_t x) {
  return x;
}
EXPORT("trap_unreachable") void trap_unreachable(void) {
  __builtin_trap();
}
EXPORT("read_at") int32_t read_at(uint32_t addr) {
  return *(volatile int32_t*)(uintptr_t)addr;
}
EXPORT("write_at") void write_at(uint32_t addr, int32_t v) {
  *(volatile int32_t*)(uintptr_t)addr = v;
}
EXPORT("grow") int32_t grow(int32_t pages) {
  return (int32_t)__builtin_wasm_memory_grow(0, pages);
}
EXPORT("pages") int32_t pages(void) {
  return (int32_t)__builtin_wasm_memory_size(0);
}
EXPORT("div") int32_t div_(int32_t a, int32_t b) {
  return a / b;
}

EXPORT("loop_forever") int32_t loop_forever(void) {
  volatile int32_t x = 0;
  for (;;) x++;
  return x;
}
static int32_t recurse(int32_t n) {
  return n <= 0 ? 0 : 1 + recurse(n - 1) + (n & 1);
}
EXPORT("deep") int32_t deep(int32_t n) {
  return recurse(n);
}

EXPORT("call_host_add") int32_t call_host_add(int32_t a, int32_t b) {
  return host_add(a, b) * 2;
}
EXPORT("call_host_fail") int32_t call_host_fail(void) {
  host_fail();
  return 42;
}
EXPORT("call_host_n") int32_t call_host_n(int32_t n) {
  for (int32_t i = 0; i < n; ++i) host_noop();
  return n;
}
EXPORT("call_host_grow") int32_t call_host_grow(void) {
  int32_t addr = host_grow_and_write();
  return *(volatile int32_t*)(uintptr_t)addr;
}
EXPORT("call_host_i64") int64_t call_host_i64(int64_t a, double b) {
  return host_i64(a, b);
}

static int32_t counter;
EXPORT("bump") int32_t bump(void) {
  return ++counter;
}
