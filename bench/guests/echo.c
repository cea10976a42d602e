// The messaging benchmarks' module (bench/messaging): answers "echo:" and the payload through callHandle, the same
// work bench/messaging/nats_echo.c does natively.
#include <capsule.h>

static capsule_result handle(const char* payload, uint32_t len) {
  char* reply = (char*)malloc((size_t)len + 5);
  if (!reply) return capsule_failure_str("out of memory");
  memcpy(reply, "echo:", 5);
  memcpy(reply + 5, payload, len);
  capsule_result result = capsule_success(reply, len + 5);
  free(reply);
  return result;
}

int main(void) {
  capsule_set_handle(handle);
  return 0;
}
