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

#define CAPSULEMODULE_PRINTING_LIFECYCLE
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

static void reply(const char* text) {
  char* ptr = NULL;
  uint32_t len = 0;
  hostNatsReply(text, (uint32_t)strlen(text), 1, &ptr, &len);
}

EXPORT("callNatsMessageHandle") uint64_t callNatsMessageHandle(const char* payload, uint32_t len) {
  char* p = legacy_string((char*)payload, len);
  char* ptr = NULL;
  uint32_t n = 0;
  char out[1024];
  if (strcmp(p, "info") == 0) {
    hostNatsGetSubject(&ptr, &n);
    char* subject = legacy_string(ptr, n);
    hostNatsGetServer(&ptr, &n);
    char* server = legacy_string(ptr, n);
    snprintf(out, sizeof out, "subject=%s server=%s", subject, server);
    reply(out);
  } else if (strncmp(p, "publish|", 8) == 0) {
    char *s = legacy_field(p, 1), *d = legacy_field(p, 2);
    hostNatsPublish(s, (uint32_t)strlen(s), d, (uint32_t)strlen(d), &ptr, &n);
    reply(legacy_string(ptr, n));
  } else if (strncmp(p, "connect-publish|", 16) == 0) {
    char *srv = legacy_field(p, 1), *s = legacy_field(p, 2), *d = legacy_field(p, 3);
    hostNatsConnectPublish(srv, (uint32_t)strlen(srv), s, (uint32_t)strlen(s), d, (uint32_t)strlen(d), &ptr, &n);
    reply(legacy_string(ptr, n));
  } else if (strncmp(p, "connect-request|", 16) == 0) {
    char *srv = legacy_field(p, 1), *s = legacy_field(p, 2), *d = legacy_field(p, 3);
    hostNatsConnectRequest(srv, (uint32_t)strlen(srv), s, (uint32_t)strlen(s), d, (uint32_t)strlen(d), 1, &ptr, &n);
    reply(legacy_string(ptr, n));
  } else if (strcmp(p, "no-reply") == 0) {
    hostNatsReply("x", 1, 1, &ptr, &n);
    char* result = legacy_string(ptr, n);
    hostNatsPublish("legacy.results", 14, result, (uint32_t)strlen(result), &ptr, &n);
  } else {
    snprintf(out, sizeof out, "legacy:%s", p);
    reply(out);
  }
  static char empty[1];
  return (uint64_t)(uintptr_t)empty << 32;  // capsulemodule's answer: an empty string, ignored
}

int main(void) {
  return 0;
}
