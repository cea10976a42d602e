// What every test guest mimicking a capsulemodule (legacy, Capsule v0.2.x - v0.3.3) TinyGo module shares: the
// export/import attributes and the allocator exports such a module has.
#ifndef CAPSULE_TESTS_GUESTS_CAPSULEMODULE_H_
#define CAPSULE_TESTS_GUESTS_CAPSULEMODULE_H_

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

// Test helpers of the legacy guests (not capsulemodule's).

// A host answer as a C string (allocateBuffer above adds no NUL: copy it).
static inline char* legacy_string(const char* ptr, uint32_t len) {
  char* s = (char*)malloc(len + 1);
  if (len) memcpy(s, ptr, len);
  s[len] = 0;
  return s;
}

// The n-th '|'-separated field of s (n from 0), copied.
static inline char* legacy_field(const char* s, int n) {
  for (int i = 0; i < n && s; ++i) {
    s = strchr(s, '|');
    if (s) ++s;
  }
  if (!s) return legacy_string("", 0);
  const char* end = strchr(s, '|');
  return legacy_string(s, (uint32_t)(end ? (size_t)(end - s) : strlen(s)));
}

// OnLoad and OnExit, printing a line each (legacy modules' lifecycle hooks).
#ifdef CAPSULEMODULE_PRINTING_LIFECYCLE
#include <stdio.h>
EXPORT("OnLoad") void OnLoad(void) {
  printf("OnLoad called\n");
  fflush(stdout);
}
EXPORT("OnExit") void OnExit(void) {
  printf("OnExit called\n");
  fflush(stdout);
}
#endif

#endif  // CAPSULE_TESTS_GUESTS_CAPSULEMODULE_H_
