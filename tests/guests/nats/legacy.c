// A capsulemodule-style (legacy, v0.3.x) NATS module: callNatsMessageHandle and the legacy NATS host functions,
// which answer plain strings (`[OK](subject:data)`, `[ERR][0]:message`). The payload is a command; its result is
// sent back with hostNatsReply (the module's only way to reply, as under Capsule):
//   "info"                                   -> "subject=<hostNatsGetSubject> server=<hostNatsGetServer>"
//   "publish|<subject>|<data>"               -> hostNatsPublish's answer
//   "connect-publish|<server>|<subject>|<d>" -> hostNatsConnectPublish's answer
//   "connect-request|<server>|<subject>|<d>" -> hostNatsConnectRequest's answer (1 s timeout)
//   "no-reply"                               -> hostNatsReply's answer, published to "legacy.results"
//   anything else                            -> "legacy:<payload>"
// OnLoad and OnExit print a line.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capsulemodule.h"

IMPORT("hostNatsGetSubject") uint32_t hostNatsGetSubject(char** ret, uint32_t* ret_len);
IMPORT("hostNatsGetServer") uint32_t hostNatsGetServer(char** ret, uint32_t* ret_len);
IMPORT("hostNatsPublish")
uint32_t hostNatsPublish(const char* s, uint32_t sl, const char* d, uint32_t dl, char** ret, uint32_t* ret_len);
IMPORT("hostNatsReply") uint32_t hostNatsReply(const char* d, uint32_t dl, uint32_t timeout, char** ret, uint32_t* rl);
IMPORT("hostNatsConnectPublish")
uint32_t hostNatsConnectPublish(const char* srv, uint32_t srvl, const char* s, uint32_t sl, const char* d, uint32_t dl,
                                char** ret, uint32_t* ret_len);
IMPORT("hostNatsConnectRequest")
uint32_t hostNatsConnectRequest(const char* srv, uint32_t srvl, const char* s, uint32_t sl, const char* d, uint32_t dl,
                                uint32_t timeout, char** ret, uint32_t* ret_len);

// A host answer as a C string (allocateBuffer in capsulemodule.h adds no NUL: copy it).
static char* answer(char* ptr, uint32_t len) {
  char* s = (char*)malloc(len + 1);
  if (len) memcpy(s, ptr, len);
  s[len] = 0;
  return s;
}

static void reply(const char* text) {
  char* ptr = NULL;
  uint32_t len = 0;
  hostNatsReply(text, (uint32_t)strlen(text), 1, &ptr, &len);
}

// The n-th '|'-separated field of s (n from 0), copied.
static char* field(const char* s, int n) {
  for (int i = 0; i < n && s; ++i) {
    s = strchr(s, '|');
    if (s) ++s;
  }
  if (!s) return strdup("");
  const char* end = strchr(s, '|');
  size_t len = end ? (size_t)(end - s) : strlen(s);
  char* out = (char*)malloc(len + 1);
  memcpy(out, s, len);
  out[len] = 0;
  return out;
}

EXPORT("callNatsMessageHandle") uint64_t callNatsMessageHandle(const char* payload, uint32_t len) {
  char* p = answer((char*)payload, len);
  char* ptr = NULL;
  uint32_t n = 0;
  char out[1024];
  if (strcmp(p, "info") == 0) {
    hostNatsGetSubject(&ptr, &n);
    char* subject = answer(ptr, n);
    hostNatsGetServer(&ptr, &n);
    char* server = answer(ptr, n);
    snprintf(out, sizeof out, "subject=%s server=%s", subject, server);
    reply(out);
  } else if (strncmp(p, "publish|", 8) == 0) {
    char *s = field(p, 1), *d = field(p, 2);
    hostNatsPublish(s, (uint32_t)strlen(s), d, (uint32_t)strlen(d), &ptr, &n);
    reply(answer(ptr, n));
  } else if (strncmp(p, "connect-publish|", 16) == 0) {
    char *srv = field(p, 1), *s = field(p, 2), *d = field(p, 3);
    hostNatsConnectPublish(srv, (uint32_t)strlen(srv), s, (uint32_t)strlen(s), d, (uint32_t)strlen(d), &ptr, &n);
    reply(answer(ptr, n));
  } else if (strncmp(p, "connect-request|", 16) == 0) {
    char *srv = field(p, 1), *s = field(p, 2), *d = field(p, 3);
    hostNatsConnectRequest(srv, (uint32_t)strlen(srv), s, (uint32_t)strlen(s), d, (uint32_t)strlen(d), 1, &ptr, &n);
    reply(answer(ptr, n));
  } else if (strcmp(p, "no-reply") == 0) {
    hostNatsReply("x", 1, 1, &ptr, &n);
    char* result = answer(ptr, n);
    hostNatsPublish("legacy.results", 14, result, (uint32_t)strlen(result), &ptr, &n);
  } else {
    snprintf(out, sizeof out, "legacy:%s", p);
    reply(out);
  }
  static char empty[1];
  return (uint64_t)(uintptr_t)empty << 32;  // capsulemodule's answer: an empty string, ignored
}

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
