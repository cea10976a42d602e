// A capsulemodule-style (legacy) HTTP module: callHandleHttp(reqId) with hostRequestParamsGet (v0.2.9+), or with
// -DCAPSULE_V02 the four-string signature (v0.1.9-v0.2.8), or with -DCAPSULE_V01 (body, headers) (v0.1.x). Answers
// "[BODY]<body>|<uri>|<method>|<headers>[HEADERS]Content-Type:text/plain²X-Legacy:yes"; a body "fail" gives
// "[ERR][7]:legacy failure". OnLoad and OnExit print a line.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capsulemodule.h"

IMPORT("hostLogString") uint32_t hostLogString(const char* text, uint32_t len);
#if !defined(CAPSULE_V02) && !defined(CAPSULE_V01)
IMPORT("hostRequestParamsGet") uint32_t hostRequestParamsGet(uint32_t req_id, char** ret_ptr, uint32_t* ret_len);
#endif

static uint64_t answer(const char* body, uint32_t body_len, const char* uri, uint32_t uri_len, const char* headers,
                       uint32_t headers_len, const char* method, uint32_t method_len) {
  if (body_len == 4 && memcmp(body, "fail", 4) == 0) {
    static const char err[] = "[ERR][7]:legacy failure";
    return ((uint64_t)(uintptr_t)err << 32) | (sizeof err - 1);
  }
  size_t n = body_len + uri_len + headers_len + method_len + 96;
  char* out = (char*)malloc(n);
  int len = snprintf(out, n, "[BODY]%.*s|%.*s|%.*s|%.*s[HEADERS]Content-Type:text/plain\xC2\xB2X-Legacy: yes",
                     (int)body_len, body, (int)uri_len, uri, (int)method_len, method, (int)headers_len, headers);
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
// hostRequestParamsGet answers "body²headers²uri²method".
EXPORT("callHandleHttp") uint64_t callHandleHttp(uint32_t req_id) {
  char* ptr = NULL;
  uint32_t len = 0;
  hostRequestParamsGet(req_id, &ptr, &len);
  const char* parts[4] = {"", "", "", ""};
  uint32_t lens[4] = {0, 0, 0, 0};
  const char* p = ptr;
  const char* end = ptr + len;
  for (int i = 0; i < 4 && p; ++i) {
    const char* sep = NULL;
    for (const char* q = p; q + 1 < end; ++q)
      if ((unsigned char)q[0] == 0xC2 && (unsigned char)q[1] == 0xB2) {
        sep = q;
        break;
      }
    parts[i] = p;
    lens[i] = (uint32_t)((sep ? sep : end) - p);
    p = sep ? sep + 2 : NULL;
  }
  return answer(parts[0], lens[0], parts[2], lens[2], parts[1], lens[1], parts[3], lens[3]);
}
#endif

EXPORT("OnLoad") void OnLoad(void) {
  printf("OnLoad called\n");
  fflush(stdout);
}
EXPORT("OnExit") void OnExit(void) {
  printf("OnExit called\n");
  fflush(stdout);
}

int main(void) {
  return 0;
}
