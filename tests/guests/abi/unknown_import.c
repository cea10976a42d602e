// A module importing a host function no Capsule host provides.
#include <capsule.h>

CAPSULE_IMPORT("hostDoesNotExist") int32_t host_does_not_exist(const char* text, uint32_t len);

static capsule_result handle(const char* params, uint32_t len) {
  host_does_not_exist(params, len);
  return capsule_success_str("unreachable");
}

int main(void) {
  capsule_set_handle(handle);
  return 0;
}
