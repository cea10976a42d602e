// A module that breaks the ABI on request, without the SDK: callHandle picks its misbehaviour from the input.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(name) __attribute__((import_module("env"), import_name(name)))

IMPORT("hostTalk") int32_t host_talk(const char* text, uint32_t len, char** ret_ptr, uint32_t* ret_len);
IMPORT("hostPrintString") int32_t host_print(const char* text, uint32_t len);

static int null_buffers;  // allocateBuffer answers 0 while set

EXPORT("malloc") void* export_malloc(size_t size) {
  return malloc(size);
}
EXPORT("free") void export_free(void* ptr) {
  free(ptr);
}
EXPORT("allocateBuffer") char* allocate_buffer(uint32_t size) {
  return null_buffers ? NULL : (char*)malloc(size);
}

static uint64_t pack(const void* ptr, uint32_t len) {
  return ((uint64_t)(uintptr_t)ptr << 32) | len;
}

static int is(const char* params, uint32_t len, const char* word) {
  return len == strlen(word) && memcmp(params, word, len) == 0;
}

EXPORT("callHandle") uint64_t call_handle(const char* params, uint32_t len) {
  static char buffer[16];
  char* ptr = NULL;
  uint32_t n = 0;
  if (is(params, len, "outside")) return pack((void*)0xFFFFFF00u, 16);  // starts past the memory
  if (is(params, len, "overlong")) return pack(buffer, 0xFFFFFFF0u);    // runs past the memory
  if (is(params, len, "unmarked")) return pack(memcpy(buffer, "Xabc", 4), 4);
  if (is(params, len, "empty")) return pack(buffer, 0);
  if (is(params, len, "trap")) __builtin_trap();
  if (is(params, len, "null-buffer")) {  // allocateBuffer answers 0 to hostTalk
    null_buffers = 1;
    host_talk("x", 1, &ptr, &n);
    return pack(memcpy(buffer, "Sunreachable", 12), 12);
  }
  if (is(params, len, "bad-ret-ptr")) {  // hostTalk asked to store its answer outside the memory
    host_talk("x", 1, (char**)0xFFFFFFFCu, &n);
    return pack(memcpy(buffer, "Sunreachable", 12), 12);
  }
  if (is(params, len, "bad-msg")) {  // hostPrintString given a message outside the memory
    host_print((const char*)0xFFFFFF00u, 512);
    return pack(memcpy(buffer, "Sunreachable", 12), 12);
  }
  return pack(memcpy(buffer, "Sok", 3), 3);
}

// Makes the module current (callHandleJSON is only in the current ABI).
EXPORT("callHandleJSON") uint64_t call_handle_json(const char* params, uint32_t len) {
  return call_handle(params, len);
}

int main(void) {
  return 0;
}
