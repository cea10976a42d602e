// What every test guest mimicking a capsulemodule (legacy, Capsule v0.2.x - v0.3.3) TinyGo module shares: the
// export/import attributes and the allocator exports such a module has.
#ifndef CAPSULE_TESTS_GUESTS_CAPSULEMODULE_H_
#define CAPSULE_TESTS_GUESTS_CAPSULEMODULE_H_

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(name) __attribute__((import_module("env"), import_name(name)))

EXPORT("malloc") void* export_malloc(size_t size) {
  return malloc(size);
}
EXPORT("free") void export_free(void* ptr) {
  free(ptr);
}
EXPORT("calloc") void* export_calloc(size_t n, size_t size) {
  return calloc(n, size);
}
EXPORT("realloc") void* export_realloc(void* ptr, size_t size) {
  return realloc(ptr, size);
}

// capsulemodule: `buf := make([]byte, size); return &buf[0]` (so a size of 0 panics in TinyGo).
EXPORT("allocateBuffer") char* allocateBuffer(uint32_t size) {
  if (size == 0) __builtin_trap();
  return (char*)malloc(size);
}

#endif  // CAPSULE_TESTS_GUESTS_CAPSULEMODULE_H_
