// Mimics a TinyGo module built with capsulemodule (Capsule v0.3.x; v0.2.x with -DCAPSULE_V02): the same exports,
// host function imports and string results. callHandle receives the CLI arguments joined with U+00B2 "²".
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../capsulemodule.h"

#ifdef CAPSULE_V02
typedef void host_result;  // host functions had no result before v0.3.0
#else
typedef uint32_t host_result;
#endif

IMPORT("hostLogString") host_result hostLogString(const char* text, uint32_t len);
IMPORT("hostGetEnv") host_result hostGetEnv(const char* name, uint32_t len, char** ret_ptr, uint32_t* ret_len);
IMPORT("hostReadFile") host_result hostReadFile(const char* path, uint32_t len, char** ret_ptr, uint32_t* ret_len);
IMPORT("hostWriteFile")
host_result hostWriteFile(const char* path, uint32_t len, const char* content, uint32_t content_len, char** ret_ptr,
                          uint32_t* ret_len);
#ifndef CAPSULE_V02
IMPORT("hostRequestParamsGet") host_result hostRequestParamsGet(uint32_t req_id, char** ret_ptr, uint32_t* ret_len);
#endif

// getStringPtrPositionAndSize: an empty string is sent as "empty".
static uint64_t pack_string(const char* text, uint32_t len) {
  if (len == 0) {
    text = "empty";
    len = 5;
  }
  char* copy = (char*)malloc(len);
  memcpy(copy, text, len);
  return ((uint64_t)(uintptr_t)copy << 32) | len;
}

static uint64_t pack_cstr(const char* text) {
  return pack_string(text, (uint32_t)strlen(text));
}

#define SEP "\xC2\xB2"

// The arguments: args[i] points into a copy of params, each NUL-terminated.
static int split_args(char* params, char** args, int max) {
  int n = 0;
  char* p = params;
  while (n < max) {
    args[n++] = p;
    char* sep = strstr(p, SEP);
    if (!sep) break;
    *sep = 0;
    p = sep + 2;
  }
  return n;
}

// The value a host function stored; an "[ERR][code]:msg" string is passed on as the handler's error.
static uint64_t answer(char* ptr, uint32_t len) {
  return pack_string(ptr ? ptr : "", ptr ? len : 0);
}

EXPORT("callHandle") uint64_t callHandle(const char* params, uint32_t len) {
  char* copy = (char*)malloc(len + 1);
  memcpy(copy, params, len);
  copy[len] = 0;
  char* args[8];
  int n = split_args(copy, args, 8);
  char* ptr = NULL;
  uint32_t ret_len = 0;
  uint64_t result;
  if (strcmp(args[0], "hello") == 0) {  // "Hello a,b,c"
    char out[256] = "Hello ";
    for (int i = 1; i < n; ++i) {
      if (i > 1) strcat(out, ",");
      strncat(out, args[i], sizeof out - strlen(out) - 2);
    }
    result = pack_cstr(out);
  } else if (strcmp(args[0], "fail") == 0) {
    result = pack_cstr("[ERR][0]:something went wrong");
  } else if (strcmp(args[0], "fail42") == 0) {
    result = pack_cstr("[ERR][42]:bad]:thing");
  } else if (strcmp(args[0], "empty") == 0) {
    result = pack_cstr("");
  } else if (strcmp(args[0], "log") == 0 && n > 1) {
    hostLogString(args[1], (uint32_t)strlen(args[1]));
    result = pack_cstr("logged");
  } else if (strcmp(args[0], "env") == 0 && n > 1) {
    hostGetEnv(args[1], (uint32_t)strlen(args[1]), &ptr, &ret_len);
    result = answer(ptr, ret_len);
  } else if (strcmp(args[0], "read") == 0 && n > 1) {
    hostReadFile(args[1], (uint32_t)strlen(args[1]), &ptr, &ret_len);
    result = answer(ptr, ret_len);
  } else if (strcmp(args[0], "write") == 0 && n > 2) {
    hostWriteFile(args[1], (uint32_t)strlen(args[1]), args[2], (uint32_t)strlen(args[2]), &ptr, &ret_len);
    result = answer(ptr, ret_len);
#ifndef CAPSULE_V02
  } else if (strcmp(args[0], "request") == 0 && n > 1) {
    hostRequestParamsGet((uint32_t)atoi(args[1]), &ptr, &ret_len);
    result = answer(ptr, ret_len);
#endif
  } else {
    result = pack_cstr("[ERR][0]:unknown command");
  }
  free(copy);
  return result;
}

#ifdef CAPSULE_V02
// v0.1.9-v0.2.8: body, uri, headers and method as four (ptr, len) pairs.
EXPORT("callHandleHttp")
uint64_t callHandleHttp(const char* body, uint32_t body_len, const char* uri, uint32_t uri_len, const char* headers,
                        uint32_t headers_len, const char* method, uint32_t method_len) {
  (void)body, (void)body_len, (void)uri, (void)uri_len, (void)headers, (void)headers_len, (void)method,
      (void)method_len;
  return pack_cstr("[BODY]nothing[HEADERS]");
}
#else
// v0.2.9+: a request id; the module fetches the request with hostRequestParamsGet.
EXPORT("callHandleHttp") uint64_t callHandleHttp(uint32_t req_id) {
  (void)req_id;
  return pack_cstr("[BODY]nothing[HEADERS]");
}
EXPORT("callMqttMessageHandle") uint64_t callMqttMessageHandle(const char* params, uint32_t len) {
  return pack_string(params, len);
}
#endif

EXPORT("callNatsMessageHandle") uint64_t callNatsMessageHandle(const char* params, uint32_t len) {
  return pack_string(params, len);
}

int main(void) {
  return 0;
}
