// A current-ABI module built with the C SDK: callHandle greets, answers F on request, or an empty payload.
#include <capsule.h>

static capsule_result handle(const char* params, uint32_t len) {
  if (len == 0) return capsule_success(NULL, 0);
  if (strncmp(params, "fail:", 5) == 0) return capsule_failure(params + 5, len - 5);
  return capsule_success_printf("Hello %.*s", (int)len, params);
}

static capsule_result handle_json(const char* params, uint32_t len) {
  if (len == 0 || params[0] != '{') return capsule_failure_str("expected a JSON object");
  return capsule_success_printf("JSON %.*s", (int)len, params);
}

int main(void) {
  capsule_set_handle(handle);
  capsule_set_handle_json(handle_json);
  return 0;
}
