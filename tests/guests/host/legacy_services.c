// Mimics a capsulemodule (legacy, v0.3.x) module calling the legacy service host functions. callHandle receives
// the CLI arguments joined with U+00B2 "²": a command, then its arguments.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../capsulemodule.h"
#define STR(s) s, (uint32_t)strlen(s)

IMPORT("hostHttp")
uint32_t hostHttp(const char* url, uint32_t url_len, const char* method, uint32_t method_len, const char* headers,
                  uint32_t headers_len, const char* body, uint32_t body_len, char** ret_ptr, uint32_t* ret_len);
IMPORT("hostMemorySet")
uint32_t hostMemorySet(const char* key, uint32_t key_len, const char* value, uint32_t value_len, char** ret_ptr,
                       uint32_t* ret_len);
IMPORT("hostMemoryGet") uint32_t hostMemoryGet(const char* key, uint32_t len, char** ret_ptr, uint32_t* ret_len);
IMPORT("hostMemoryKeys") uint32_t hostMemoryKeys(char** ret_ptr, uint32_t* ret_len);
IMPORT("hostRedisSet")
uint32_t hostRedisSet(const char* key, uint32_t key_len, const char* value, uint32_t value_len, char** ret_ptr,
                      uint32_t* ret_len);
IMPORT("hostRedisGet") uint32_t hostRedisGet(const char* key, uint32_t len, char** ret_ptr, uint32_t* ret_len);
IMPORT("hostRedisKeys") uint32_t hostRedisKeys(const char* pattern, uint32_t len, char** ret_ptr, uint32_t* ret_len);
IMPORT("hostCouchBaseQuery")
uint32_t hostCouchBaseQuery(const char* query, uint32_t len, char** ret_ptr, uint32_t* ret_len);
IMPORT("hostGetHostInformation") uint32_t hostGetHostInformation(char** ret_ptr, uint32_t* ret_len);

// An empty answer is sent as "empty", as capsulemodule did.
static uint64_t pack(const char* text, uint32_t len) {
  if (!text || len == 0) text = "empty", len = 5;
  char* copy = (char*)malloc(len);
  memcpy(copy, text, len);
  return ((uint64_t)(uintptr_t)copy << 32) | len;
}

EXPORT("callHandle") uint64_t callHandle(const char* params, uint32_t len) {
  char* copy = (char*)malloc(len + 1);
  memcpy(copy, params, len);
  copy[len] = 0;
  char* args[6] = {0};
  int n = 0;
  for (char* p = copy; n < 6;) {
    args[n++] = p;
    char* sep = strstr(p, "\xC2\xB2");
    if (!sep) break;
    *sep = 0;
    p = sep + 2;
  }
  for (int i = n; i < 6; ++i) args[i] = "";
  char* ptr = NULL;
  uint32_t ret_len = 0;
  const char* cmd = args[0];
  if (strcmp(cmd, "http") == 0)  // http URL METHOD HEADERS BODY
    hostHttp(STR(args[1]), STR(args[2]), STR(args[3]), STR(args[4]), &ptr, &ret_len);
  else if (strcmp(cmd, "memset") == 0)
    hostMemorySet(STR(args[1]), STR(args[2]), &ptr, &ret_len);
  else if (strcmp(cmd, "memget") == 0)
    hostMemoryGet(STR(args[1]), &ptr, &ret_len);
  else if (strcmp(cmd, "memkeys") == 0)
    hostMemoryKeys(&ptr, &ret_len);
  else if (strcmp(cmd, "memset2") == 0) {  // memset2 K1 K2: two sets, then the keys
    hostMemorySet(STR(args[1]), STR("1"), &ptr, &ret_len);
    hostMemorySet(STR(args[2]), STR("2"), &ptr, &ret_len);
    hostMemoryKeys(&ptr, &ret_len);
  } else if (strcmp(cmd, "redisset") == 0)
    hostRedisSet(STR(args[1]), STR(args[2]), &ptr, &ret_len);
  else if (strcmp(cmd, "redisget") == 0)
    hostRedisGet(STR(args[1]), &ptr, &ret_len);
  else if (strcmp(cmd, "rediskeys") == 0)
    hostRedisKeys(STR(args[1]), &ptr, &ret_len);
  else if (strcmp(cmd, "couchbase") == 0)
    hostCouchBaseQuery(STR(args[1]), &ptr, &ret_len);
  else if (strcmp(cmd, "info") == 0)
    hostGetHostInformation(&ptr, &ret_len);
  else
    ptr = "[ERR][0]:unknown command", ret_len = (uint32_t)strlen(ptr);
  free(copy);
  return pack(ptr, ret_len);
}

EXPORT("callHandleHttp") uint64_t callHandleHttp(uint32_t req_id) {
  (void)req_id;
  return pack("[BODY]nothing[HEADERS]", 22);
}

int main(void) {
  return 0;
}
