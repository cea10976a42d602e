// The smallest Capsule module: callHandle answers "Hello <params>".
#include <capsule.h>

static capsule_result handle(const char* params, uint32_t len) {
  return capsule_success_printf("Hello %.*s", (int)len, params);
}

int main(void) {
  capsule_set_handle(handle);
  return 0;
}
