// A module shaped like one built with Capsule's MDK whose main() registers only a JSON handler (SetHandleJSON):
// it exports callHandle, callHandleJSON and callHandleHTTP all the same, and calling a handler main() did not set
// ends as TinyGo ends it, with "panic: runtime error: nil pointer dereference" on stdout and a trap (built with
// -DSILENT_PANIC: the trap alone, as TinyGo's -panic=trap makes it). The JSON handler answers
// {"message":"Hello <name>"} for {"name":"<name>"}; a name "loud-trap" prints a line and then traps.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

typedef uint64_t (*handler)(const char* in, uint32_t len);

static handler handle, handle_json, handle_http;

EXPORT("malloc") void* export_malloc(size_t size) {
  return malloc(size);
}
EXPORT("free") void export_free(void* ptr) {
  free(ptr);
}

static uint64_t packed(const char* data, size_t len) {
  return ((uint64_t)(uintptr_t)data << 32) | (uint32_t)len;
}

static uint64_t call(handler h, const char* in, uint32_t len) {
  if (!h) {
#ifndef SILENT_PANIC
    printf("panic: runtime error: nil pointer dereference\n");
    fflush(stdout);
#endif
    __builtin_trap();
  }
  return h(in, len);
}

EXPORT("callHandle") uint64_t callHandle(const char* in, uint32_t len) {
  return call(handle, in, len);
}
EXPORT("callHandleJSON") uint64_t callHandleJSON(const char* in, uint32_t len) {
  return call(handle_json, in, len);
}
EXPORT("callHandleHTTP") uint64_t callHandleHTTP(const char* in, uint32_t len) {
  return call(handle_http, in, len);
}

// The value of "name" in a flat JSON object without escapes (enough for the tests).
static uint64_t hello_json(const char* in, uint32_t len) {
  static const char key[] = "\"name\":\"";
  const char* start = NULL;
  for (uint32_t i = 0; i + sizeof key - 1 <= len; ++i)
    if (memcmp(in + i, key, sizeof key - 1) == 0) {
      start = in + i + sizeof key - 1;
      break;
    }
  if (!start) {
    static const char err[] = "Fthe input has no \"name\"";
    return packed(err, sizeof err - 1);
  }
  const char* end = memchr(start, '"', (size_t)(in + len - start));
  if (!end) end = in + len;
  if (end - start == 9 && memcmp(start, "loud-trap", 9) == 0) {
    printf("about to trap\n");
    fflush(stdout);
    __builtin_trap();
  }
  size_t n = (size_t)(end - start) + 32;
  char* out = (char*)malloc(n);
  int written = snprintf(out, n, "S{\"message\":\"Hello %.*s\"}", (int)(end - start), start);
  return packed(out, (size_t)written);
}

int main(void) {
  handle_json = hello_json;
  return 0;
}
