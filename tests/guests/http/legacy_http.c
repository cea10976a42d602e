// A capsulemodule-style (legacy) HTTP module: callHandleHttp(reqId) with hostRequestParamsGet (v0.2.9+), or with
// -DCAPSULE_V02 the four-string signature (v0.1.9-v0.2.8), or with -DCAPSULE_V01 (body, headers) (v0.1.x). Answers
// "[BODY]<body>|<uri>|<method>|<headers>|My-Token=<v>[HEADERS]Content-Type:text/plain<s>X-Legacy: yes<s>X-My-Token:<v>"
// where <v> is the request header My-Token as that version's capsulemodule read it (the header list split on its
// separator, each entry on ':', the value ending at the next ':') and <s> that version's answer separator ("|" for
// v0.1.x, "²" after); a body "fail" gives "[ERR][7]:legacy failure". OnLoad and OnExit print a line.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAPSULEMODULE_PRINTING_LIFECYCLE
#include "../capsulemodule.h"

IMPORT("hostLogString") uint32_t hostLogString(const char* text, uint32_t len);
#if !defined(CAPSULE_V02) && !defined(CAPSULE_V01)
IMPORT("hostRequestParamsGet") uint32_t hostRequestParamsGet(uint32_t req_id, char** ret_ptr, uint32_t* ret_len);
#endif

#if defined(CAPSULE_V01)
#define HEADER_SEPARATOR "|"
#define ANSWER_SEPARATOR "|"
#elif defined(CAPSULE_V02)
#define HEADER_SEPARATOR "\xC2\xB2"
#define ANSWER_SEPARATOR "\xC2\xB2"
#else
#define HEADER_SEPARATOR "\xC2\xB3"
#define ANSWER_SEPARATOR "\xC2\xB2"
#endif

// The next piece of [*p, end) up to sep (Go's strings.Split, one piece at a time); false after the last one.
static int next_piece(const char** p, const char* end, const char* sep, const char** piece, uint32_t* piece_len) {
  if (!*p) return 0;
  const size_t sep_len = strlen(sep);
  const char* found = NULL;
  for (const char* q = *p; q + sep_len <= end; ++q)
    if (memcmp(q, sep, sep_len) == 0) {
      found = q;
      break;
    }
  *piece = *p;
  *piece_len = (uint32_t)((found ? found : end) - *p);
  *p = found ? found + sep_len : NULL;
  return 1;
}

// capsulemodule's CreateMapFromSlice(CreateSliceFromString(headers, separator), ":") looked up for name: the last
// entry of that name wins, its value is the text between the first and the second ':'. v0.1.x indexed res[1]
// unchecked, so an entry without ':' (an empty list too) panicked; later versions skipped it.
static void lookup_header(const char* headers, uint32_t len, const char* name, const char** value,
                          uint32_t* value_len) {
  *value = "";
  *value_len = 0;
  const char* p = headers ? headers : "";
  const char* end = p + len;
  const char* entry;
  uint32_t entry_len;
  while (next_piece(&p, end, HEADER_SEPARATOR, &entry, &entry_len)) {
    const char* field = entry;
    const char* field_end = entry + entry_len;
    const char* key;
    uint32_t key_len;
    next_piece(&field, field_end, ":", &key, &key_len);
    const char* val;
    uint32_t val_len;
    if (!next_piece(&field, field_end, ":", &val, &val_len)) {
#if defined(CAPSULE_V01)
      __builtin_trap();  // index out of range
#else
      continue;
#endif
    }
    if (key_len == strlen(name) && memcmp(key, name, key_len) == 0) {
      *value = val;
      *value_len = val_len;
    }
  }
}

static uint64_t answer(const char* body, uint32_t body_len, const char* uri, uint32_t uri_len,
                              const char* headers, uint32_t headers_len, const char* method, uint32_t method_len) {
  if (body_len == 4 && memcmp(body, "fail", 4) == 0) {
    static const char err[] = "[ERR][7]:legacy failure";
    return ((uint64_t)(uintptr_t)err << 32) | (sizeof err - 1);
  }
  const char* token;
  uint32_t token_len;
  lookup_header(headers, headers_len, "My-Token", &token, &token_len);
  size_t n = body_len + uri_len + headers_len + method_len + 2 * token_len + 160;
  char* out = (char*)malloc(n);
  int len = snprintf(out, n,
                     "[BODY]%.*s|%.*s|%.*s|%.*s|My-Token=%.*s[HEADERS]Content-Type:text/plain" ANSWER_SEPARATOR
                     "X-Legacy: yes" ANSWER_SEPARATOR "X-My-Token:%.*s",
                     (int)body_len, body, (int)uri_len, uri, (int)method_len, method, (int)headers_len, headers,
                     (int)token_len, token, (int)token_len, token);
  return ((uint64_t)(uintptr_t)out << 32) | (uint32_t)len;
}

#if defined(CAPSULE_V01)
// v0.1.x: body and headers only.
EXPORT("callHandleHttp")
uint64_t callHandleHttp(const char* body, uint32_t body_len, const char* headers, uint32_t headers_len) {
  return answer(body, body_len, "", 0, headers, headers_len, "", 0);
}
#elif defined(CAPSULE_V02)
EXPORT("callHandleHttp")
uint64_t callHandleHttp(const char* body, uint32_t body_len, const char* uri, uint32_t uri_len, const char* headers,
                        uint32_t headers_len, const char* method, uint32_t method_len) {
  return answer(body, body_len, uri, uri_len, headers, headers_len, method, method_len);
}
#else
// hostRequestParamsGet answers "body²headers²uri²method", split on "²" as capsulemodule did.
EXPORT("callHandleHttp") uint64_t callHandleHttp(uint32_t req_id) {
  char* ptr = NULL;
  uint32_t len = 0;
  hostRequestParamsGet(req_id, &ptr, &len);
  const char* parts[4] = {"", "", "", ""};
  uint32_t lens[4] = {0, 0, 0, 0};
  const char* p = ptr ? ptr : "";
  const char* end = p + len;
  for (int i = 0; i < 4 && next_piece(&p, end, "\xC2\xB2", &parts[i], &lens[i]); ++i) {
  }
  return answer(parts[0], lens[0], parts[2], lens[2], parts[1], lens[1], parts[3], lens[3]);
}
#endif

int main(void) {
  return 0;
}
