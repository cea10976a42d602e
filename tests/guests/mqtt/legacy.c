// A capsulemodule-style (legacy, v0.3.x) MQTT module: callMqttMessageHandle and the legacy MQTT host functions with
// their i32 results, which answer plain strings (`[OK](topic:data)`, `[ERR][0]:message`). Legacy modules cannot
// reply, so the result of each command is published (hostMqttPublish) to "legacy/results":
//   "info"                                                  -> "topic=<T> server=<S> clientId=<C>" (the getters)
//   "publish|<topic>|<data>"                                -> hostMqttPublish's answer
//   "connect-publish|<server>|<client id>|<topic>|<data>"   -> hostMqttConnectPublish's answer
//   "trap"                                                  -> traps (nothing is published)
//   anything else                                           -> "legacy:<payload>"
// OnLoad and OnExit print a line.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAPSULEMODULE_PRINTING_LIFECYCLE
#include "../capsulemodule.h"

IMPORT("hostMqttGetTopic") uint32_t hostMqttGetTopic(char** ret, uint32_t* ret_len);
IMPORT("hostMqttGetServer") uint32_t hostMqttGetServer(char** ret, uint32_t* ret_len);
IMPORT("hostMqttGetClientId") uint32_t hostMqttGetClientId(char** ret, uint32_t* ret_len);
IMPORT("hostMqttPublish")
uint32_t hostMqttPublish(const char* t, uint32_t tl, const char* d, uint32_t dl, char** ret, uint32_t* ret_len);
IMPORT("hostMqttConnectPublish")
uint32_t hostMqttConnectPublish(const char* srv, uint32_t srvl, const char* id, uint32_t idl, const char* t,
                                uint32_t tl, const char* d, uint32_t dl, char** ret, uint32_t* ret_len);

static const char kResults[] = "legacy/results";

// What a getter returns, as a C string.
static char* get(uint32_t (*getter)(char**, uint32_t*)) {
  char* ptr = NULL;
  uint32_t len = 0;
  getter(&ptr, &len);
  return legacy_string(ptr, len);
}

static void report(const char* text) {
  char* ptr = NULL;
  uint32_t len = 0;
  hostMqttPublish(kResults, sizeof kResults - 1, text, (uint32_t)strlen(text), &ptr, &len);
}

EXPORT("callMqttMessageHandle") uint64_t callMqttMessageHandle(const char* payload, uint32_t len) {
  char* p = legacy_string((char*)payload, len);
  char* ptr = NULL;
  uint32_t n = 0;
  char out[1024];
  if (strcmp(p, "info") == 0) {
    snprintf(out, sizeof out, "topic=%s server=%s clientId=%s", get(hostMqttGetTopic), get(hostMqttGetServer),
             get(hostMqttGetClientId));
    report(out);
  } else if (strncmp(p, "publish|", 8) == 0) {
    char *t = legacy_field(p, 1), *d = legacy_field(p, 2);
    hostMqttPublish(t, (uint32_t)strlen(t), d, (uint32_t)strlen(d), &ptr, &n);
    report(legacy_string(ptr, n));
  } else if (strncmp(p, "connect-publish|", 16) == 0) {
    char *srv = legacy_field(p, 1), *id = legacy_field(p, 2), *t = legacy_field(p, 3), *d = legacy_field(p, 4);
    hostMqttConnectPublish(srv, (uint32_t)strlen(srv), id, (uint32_t)strlen(id), t, (uint32_t)strlen(t), d,
                           (uint32_t)strlen(d), &ptr, &n);
    report(legacy_string(ptr, n));
  } else if (strcmp(p, "trap") == 0) {
    __builtin_trap();
  } else {
    snprintf(out, sizeof out, "legacy:%s", p);
    report(out);
  }
  static char empty[1];
  return (uint64_t)(uintptr_t)empty << 32;  // capsulemodule's answer: an empty string, ignored
}

int main(void) {
  return 0;
}
