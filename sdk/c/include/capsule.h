/* capsule.h: the Capsule module SDK for C and C++ (header-only), current ABI (Capsule MDK compatible).
 *
 * A Capsule module is a WASI command: the host runs `_start` (your main), then calls the exported handlers.
 *
 *   #include <capsule.h>
 *   static capsule_result handle(const char* params, uint32_t len) {
 *     return capsule_success_printf("Hello %.*s", (int)len, params);
 *   }
 *   int main(void) { capsule_set_handle(handle); return 0; }
 *
 * Build: clang --target=wasm32-wasi -O2 -I sdk/c/include hello.c -o hello.wasm
 *
 * The header defines the exports every Capsule host expects (malloc, free, allocateBuffer, callHandle,
 * callHandleJSON, callHandleHTTP) as weak symbols, so it may be included by several files of one module.
 * See sdk/c/README.md.
 */
#ifndef CAPSULE_SDK_CAPSULE_H_
#define CAPSULE_SDK_CAPSULE_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAPSULE_EXPORT(name) __attribute__((weak, export_name(name)))
#define CAPSULE_IMPORT(name) __attribute__((import_module("env"), import_name(name)))

/* ---- Types ------------------------------------------------------------------------------------------------- */

/* An owned byte buffer: data is malloc'd, never NULL and NUL-terminated (data[len] == 0), so text can be used as
 * a C string. Release it with capsule_buf_free. */
typedef struct capsule_buf {
  char* data;
  uint32_t len;
} capsule_buf;

/* A host function's answer: ok != 0 and the payload, or ok == 0 and the host's error message. */
typedef struct capsule_reply {
  int ok;
  capsule_buf data;
} capsule_reply;

/* A handler's answer, made by capsule_success* or capsule_failure*. */
typedef struct capsule_result {
  uint64_t packed; /* position << 32 | length of "S"+payload or "F"+message in linear memory */
} capsule_result;

/* A handler: params holds len input bytes (NUL-terminated, valid during the call). */
typedef capsule_result (*capsule_handler)(const char* params, uint32_t len);

/* size bytes from malloc, or no return: out of memory (or a size past the address space), it writes "capsule: out of
 * memory" on stderr and traps, which the host reports as the call's error (capsule-http: a 500, a new instance). For
 * the buffers whose contract is never NULL. */
static inline void* capsule__alloc_or_trap(uint64_t size) {
  void* p = size <= SIZE_MAX ? malloc((size_t)size) : NULL;
  if (!p) {
    fputs("capsule: out of memory\n", stderr);
    __builtin_trap();
  }
  return p;
}

/* Frees the buffer and leaves it empty ({NULL, 0}); safe to call twice. */
static inline void capsule_buf_free(capsule_buf* buf) {
  free(buf->data);
  buf->data = NULL;
  buf->len = 0;
}

/* ---- Handlers ---------------------------------------------------------------------------------------------- */

__attribute__((weak)) capsule_handler capsule__handle;
__attribute__((weak)) capsule_handler capsule__handle_json;
__attribute__((weak)) capsule_handler capsule__handle_http;
__attribute__((weak)) char* capsule__last_result;

/* Sets the handler of callHandle (the CLI entry: raw bytes in, bytes out). Call it from main. */
static inline void capsule_set_handle(capsule_handler handler) {
  capsule__handle = handler;
}

/* Sets the handler of callHandleJSON (a JSON document in). Call it from main. */
static inline void capsule_set_handle_json(capsule_handler handler) {
  capsule__handle_json = handler;
}

/* Sets the handler of callHandleHTTP: the request JSON the HTTP runner sends in, the response JSON out
 * ({"JSONBody":...,"TextBody":"<base64>","Headers":{...},"StatusCode":200}). Call it from main. */
static inline void capsule_set_handle_http(capsule_handler handler) {
  capsule__handle_http = handler;
}

/* Makes buffer (marker byte, then len bytes, malloc'd) the current result: it lives until the next result is made
 * (the host reads it before calling the module again). */
static inline capsule_result capsule__adopt_result(char* buffer, uint32_t len) {
  capsule_result result = {0};
  if (!buffer) return result; /* (0, 0): the host reports a result without marker */
  free(capsule__last_result);
  capsule__last_result = buffer;
  result.packed = ((uint64_t)(uintptr_t)buffer << 32) | (uint64_t)(len + 1);
  return result;
}

/* A result made of a marker byte and len bytes of data. */
static inline capsule_result capsule__make_result(char marker, const void* data, uint32_t len) {
  char* buffer = (char*)malloc((size_t)len + 1);
  if (buffer) {
    buffer[0] = marker;
    if (len) memcpy(buffer + 1, data, len);
  }
  return capsule__adopt_result(buffer, len);
}

/* A result made of a marker byte and the count NUL-terminated texts of parts, one after the other (NULL parts are
 * skipped): the JSON envelopes below, built without printf. */
static inline capsule_result capsule__concat_result(char marker, const char* const* parts, int count) {
  size_t lens[16]; /* the first parts' lengths, measured once */
  const int kept = (int)(sizeof lens / sizeof lens[0]);
  size_t len = 0;
  for (int i = 0; i < count; ++i) {
    const size_t n = parts[i] ? strlen(parts[i]) : 0;
    if (i < kept) lens[i] = n;
    len += n;
  }
  char* buffer = (char*)malloc(len + 1);
  if (!buffer) return capsule__adopt_result(NULL, 0);
  buffer[0] = marker;
  char* o = buffer + 1;
  for (int i = 0; i < count; ++i) {
    if (!parts[i]) continue;
    const size_t n = i < kept ? lens[i] : strlen(parts[i]);
    memcpy(o, parts[i], n);
    o += n;
  }
  return capsule__adopt_result(buffer, (uint32_t)len);
}

/* The decimal text of value in out (room for 12 bytes); returns out. */
static inline char* capsule__decimal(int value, char out[12]) {
  char digits[12];
  int n = 0;
  unsigned int magnitude = value < 0 ? 0u - (unsigned int)value : (unsigned int)value;
  do {
    digits[n++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  char* o = out;
  if (value < 0) *o++ = '-';
  while (n) *o++ = digits[--n];
  *o = 0;
  return out;
}

/* Success with len bytes of payload. */
static inline capsule_result capsule_success(const void* data, uint32_t len) {
  return capsule__make_result('S', data, len);
}

/* Success with a NUL-terminated text. */
static inline capsule_result capsule_success_str(const char* text) {
  return capsule__make_result('S', text, (uint32_t)strlen(text));
}

/* Failure with len bytes of error message. */
static inline capsule_result capsule_failure(const void* message, uint32_t len) {
  return capsule__make_result('F', message, len);
}

/* Failure with a NUL-terminated message. */
static inline capsule_result capsule_failure_str(const char* message) {
  return capsule__make_result('F', message, (uint32_t)strlen(message));
}

/* A result of a marker byte and the formatted text: one formatting pass when the text fits in a first guess of
 * its size, two when it does not. */
static inline capsule_result capsule__vprintf(char marker, const char* format, va_list args) {
  enum { kFirstGuess = 256 };
  char* buffer = (char*)malloc(kFirstGuess);
  if (!buffer) return capsule__make_result('F', "out of memory", 13);
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(buffer + 1, kFirstGuess - 1, format, copy);
  va_end(copy);
  if (n < 0) {
    free(buffer);
    return capsule__make_result('F', "bad format", 10);
  }
  if ((size_t)n >= kFirstGuess - 1) {
    char* bigger = (char*)realloc(buffer, (size_t)n + 2);
    if (!bigger) {
      free(buffer);
      return capsule__make_result('F', "out of memory", 13);
    }
    buffer = bigger;
    vsnprintf(buffer + 1, (size_t)n + 1, format, args);
  }
  buffer[0] = marker;
  return capsule__adopt_result(buffer, (uint32_t)n);
}

/* Success with a printf-formatted payload. */
__attribute__((format(printf, 1, 2))) static inline capsule_result capsule_success_printf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  capsule_result result = capsule__vprintf('S', format, args);
  va_end(args);
  return result;
}

/* Failure with a printf-formatted message. */
__attribute__((format(printf, 1, 2))) static inline capsule_result capsule_failure_printf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  capsule_result result = capsule__vprintf('F', format, args);
  va_end(args);
  return result;
}

static inline uint64_t capsule__dispatch(capsule_handler handler, const char* setter, const char* params,
                                         uint32_t len) {
  if (!handler) {
    static const char prefix[] = "no handler: call ";
    char message[64];
    size_t n = strlen(setter);
    memcpy(message, prefix, sizeof prefix - 1);
    memcpy(message + sizeof prefix - 1, setter, n);
    memcpy(message + sizeof prefix - 1 + n, " in main", 8);
    return capsule_failure(message, (uint32_t)(sizeof prefix - 1 + n + 8)).packed;
  }
  /* Input placed by the exported malloc below is already NUL-terminated: no copy then. */
  const uint64_t memory_end = (uint64_t)__builtin_wasm_memory_size(0) * 65536u;
  if (params && (uint64_t)(uintptr_t)params + len < memory_end && params[len] == 0) return handler(params, len).packed;
  char* copy = (char*)malloc((size_t)len + 1);
  if (!copy) return capsule_failure_str("out of memory").packed;
  if (len) memcpy(copy, params, len);
  copy[len] = 0;
  uint64_t packed = handler(copy, len).packed;
  free(copy);
  return packed;
}

/* ---- Exports the host calls -------------------------------------------------------------------------------- */

/* The host places each call's input here; one more byte holds a NUL, so handlers get a C string without a copy. */
CAPSULE_EXPORT("malloc") void* capsule__export_malloc(size_t size) {
  if (size == SIZE_MAX) return NULL;
  char* buffer = (char*)malloc(size + 1);
  if (buffer) buffer[size] = 0;
  return buffer;
}

CAPSULE_EXPORT("free") void capsule__export_free(void* ptr) {
  free(ptr);
}

/* Where a host function's answer goes: size bytes plus a NUL, so that answers are C strings. A module that defines
 * CAPSULE_CUSTOM_ALLOCATE_BUFFER before including this header exports its own allocateBuffer instead; the
 * wrappers below free what it returns with free(). */
#ifndef CAPSULE_CUSTOM_ALLOCATE_BUFFER
CAPSULE_EXPORT("allocateBuffer") char* capsule__allocate_buffer(uint32_t size) {
  if ((size_t)size == SIZE_MAX) return NULL;
  char* buffer = (char*)malloc((size_t)size + 1);
  if (buffer) buffer[size] = 0;
  return buffer;
}
#endif

CAPSULE_EXPORT("callHandle") uint64_t capsule__call_handle(const char* params, uint32_t len) {
  return capsule__dispatch(capsule__handle, "capsule_set_handle", params, len);
}

CAPSULE_EXPORT("callHandleJSON") uint64_t capsule__call_handle_json(const char* params, uint32_t len) {
  return capsule__dispatch(capsule__handle_json, "capsule_set_handle_json", params, len);
}

CAPSULE_EXPORT("callHandleHTTP") uint64_t capsule__call_handle_http(const char* params, uint32_t len) {
  return capsule__dispatch(capsule__handle_http, "capsule_set_handle_http", params, len);
}

/* ---- Host functions ---------------------------------------------------------------------------------------- */

CAPSULE_IMPORT("hostPrintString") int32_t capsule__host_print_string(const char* text, uint32_t len);
CAPSULE_IMPORT("hostLogString") int32_t capsule__host_log_string(const char* text, uint32_t len);
CAPSULE_IMPORT("hostTalk")
int32_t capsule__host_talk(const char* text, uint32_t len, char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostGetEnv")
int32_t capsule__host_get_env(const char* name, uint32_t len, char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostReadFile")
int32_t capsule__host_read_file(const char* path, uint32_t len, char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostWriteFile")
int32_t capsule__host_write_file(const char* path, uint32_t path_len, const char* content, uint32_t content_len,
                                 char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostHTTP")
int32_t capsule__host_http(const char* request, uint32_t len, char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostCacheSet")
int32_t capsule__host_cache_set(const char* key, uint32_t key_len, const char* value, uint32_t value_len,
                                char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostCacheGet")
int32_t capsule__host_cache_get(const char* key, uint32_t len, char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostCacheDel")
int32_t capsule__host_cache_del(const char* key, uint32_t len, char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostCacheKeys")
int32_t capsule__host_cache_keys(const char* filter, uint32_t len, char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostRedisSet")
int32_t capsule__host_redis_set(const char* key, uint32_t key_len, const char* value, uint32_t value_len,
                                char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostRedisGet")
int32_t capsule__host_redis_get(const char* key, uint32_t len, char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostRedisDel")
int32_t capsule__host_redis_del(const char* key, uint32_t len, char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostRedisKeys")
int32_t capsule__host_redis_keys(const char* pattern, uint32_t len, char** ret_ptr, uint32_t* ret_len);

/* Takes ownership of a host answer (allocateBuffer'd, or NULL when empty). */
static inline capsule_buf capsule__adopt(char* ptr, uint32_t len) {
  capsule_buf buf;
  if (!ptr) {
    ptr = (char*)capsule__alloc_or_trap(1);
    ptr[0] = 0;
    len = 0;
  }
  buf.data = ptr;
  buf.len = len;
  return buf;
}

/* Splits an S/F answer into ok and its payload or message. */
static inline capsule_reply capsule__adopt_reply(char* ptr, uint32_t len) {
  capsule_reply reply;
  reply.data = capsule__adopt(ptr, len);
  reply.ok = reply.data.len > 0 && reply.data.data[0] == 'S';
  if (reply.data.len > 0) {
    memmove(reply.data.data, reply.data.data + 1, reply.data.len); /* moves the NUL too */
    reply.data.len -= 1;
  }
  return reply;
}

/* Prints text and a newline on the host's standard output. */
static inline void capsule_print_n(const char* text, uint32_t len) {
  capsule__host_print_string(text, len);
}
static inline void capsule_print(const char* text) {
  capsule_print_n(text, (uint32_t)strlen(text));
}

/* Logs text on the host's output, after a timestamp. */
static inline void capsule_log_n(const char* text, uint32_t len) {
  capsule__host_log_string(text, len);
}
static inline void capsule_log(const char* text) {
  capsule_log_n(text, (uint32_t)strlen(text));
}

/* Sends a message to the host's demonstration function and returns its greeting. */
static inline capsule_buf capsule_talk(const char* message) {
  char* ptr = NULL;
  uint32_t len = 0;
  capsule__host_talk(message, (uint32_t)strlen(message), &ptr, &len);
  return capsule__adopt(ptr, len);
}

/* The value of the host's environment variable name; empty when it is unset. */
static inline capsule_buf capsule_get_env(const char* name) {
  char* ptr = NULL;
  uint32_t len = 0;
  capsule__host_get_env(name, (uint32_t)strlen(name), &ptr, &len);
  return capsule__adopt(ptr, len);
}

/* Reads a host file: ok and its content, or the host's error ("open x: no such file or directory"). */
static inline capsule_reply capsule_read_file(const char* path) {
  char* ptr = NULL;
  uint32_t len = 0;
  capsule__host_read_file(path, (uint32_t)strlen(path), &ptr, &len);
  return capsule__adopt_reply(ptr, len);
}

/* Writes len bytes to a host file (created with mode 0644 or truncated): ok and the path, or the host's error. */
static inline capsule_reply capsule_write_file(const char* path, const void* content, uint32_t len) {
  char* ptr = NULL;
  uint32_t ret_len = 0;
  capsule__host_write_file(path, (uint32_t)strlen(path), (const char*)content, len, &ptr, &ret_len);
  return capsule__adopt_reply(ptr, ret_len);
}

/* Calls a host function of shape (text, len, ret) and splits its S/F answer. */
static inline capsule_reply capsule__text_call(int32_t (*fn)(const char*, uint32_t, char**, uint32_t*),
                                               const char* text, uint32_t len) {
  char* ptr = NULL;
  uint32_t ret_len = 0;
  fn(text, len, &ptr, &ret_len);
  return capsule__adopt_reply(ptr, ret_len);
}

/* Calls a host function of shape (key, len, value, len, ret) and splits its S/F answer. */
static inline capsule_reply capsule__pair_call(int32_t (*fn)(const char*, uint32_t, const char*, uint32_t, char**,
                                                             uint32_t*),
                                               const char* key, const void* value, uint32_t len) {
  char* ptr = NULL;
  uint32_t ret_len = 0;
  fn(key, (uint32_t)strlen(key), (const char*)value, len, &ptr, &ret_len);
  return capsule__adopt_reply(ptr, ret_len);
}

/* Sends an outbound HTTP request described by a JSON object:
 *   {"URI":"https://...","Method":"GET|POST|PUT|DELETE","Headers":{"K":"V"},"JSONBody":{...},"TextBody":"..."}
 * (the body is JSONBody when not empty, else TextBody). ok and the response JSON
 * {"JSONBody":<body>,"Headers":{"K":["v"]},"StatusCode":N} (JSON content types) or
 * {"TextBody":"<body>","Headers":{...},"StatusCode":N}; or the host's error (refused host, timeout, too large). */
static inline capsule_reply capsule_http(const char* request_json) {
  return capsule__text_call(capsule__host_http, request_json, (uint32_t)strlen(request_json));
}

/* Stores len bytes under key in the host's process-wide memory cache: ok and the key, or "cache full: ...". */
static inline capsule_reply capsule_cache_set(const char* key, const void* value, uint32_t len) {
  return capsule__pair_call(capsule__host_cache_set, key, value, len);
}

/* The cached value of key: ok and the value, or "key not found". */
static inline capsule_reply capsule_cache_get(const char* key) {
  return capsule__text_call(capsule__host_cache_get, key, (uint32_t)strlen(key));
}

/* Removes key from the cache: ok and the key. */
static inline capsule_reply capsule_cache_del(const char* key) {
  return capsule__text_call(capsule__host_cache_del, key, (uint32_t)strlen(key));
}

/* The cache's keys matching a glob filter ("*": all): ok and {"keys":["k1",...]}. */
static inline capsule_reply capsule_cache_keys(const char* filter) {
  return capsule__text_call(capsule__host_cache_keys, filter, (uint32_t)strlen(filter));
}

/* Redis SET key value (no expiry) on the host's Redis (REDIS_URI, or REDIS_ADDR/REDIS_PWD/REDIS_DEFAULTDB):
 * ok and the key, or the error (e.g. Redis unreachable). */
static inline capsule_reply capsule_redis_set(const char* key, const void* value, uint32_t len) {
  return capsule__pair_call(capsule__host_redis_set, key, value, len);
}

/* Redis GET key: ok and the value, or an error ("redis: nil" for a missing key). */
static inline capsule_reply capsule_redis_get(const char* key) {
  return capsule__text_call(capsule__host_redis_get, key, (uint32_t)strlen(key));
}

/* Redis DEL key: ok and the key, or an error. */
static inline capsule_reply capsule_redis_del(const char* key) {
  return capsule__text_call(capsule__host_redis_del, key, (uint32_t)strlen(key));
}

/* Redis KEYS pattern: ok and {"keys":["k1",...]}, or an error. */
static inline capsule_reply capsule_redis_keys(const char* pattern) {
  return capsule__text_call(capsule__host_redis_keys, pattern, (uint32_t)strlen(pattern));
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CAPSULE_SDK_CAPSULE_H_ */
