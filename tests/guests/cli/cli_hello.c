// CLI guest (current ABI): the original Capsule CLI sample in C. Prints an env variable, writes and reads a file,
// answers "Hello <params>". Params "fail" make it answer F, "trap" makes it trap, "loop" never returns.
#include <capsule.h>
#include <string.h>

static capsule_result handle(const char* params, uint32_t len) {
  if (len == 4 && memcmp(params, "fail", 4) == 0) return capsule_failure_str("you asked me to fail");
  if (len == 4 && memcmp(params, "trap", 4) == 0) __builtin_trap();
  if (len == 4 && memcmp(params, "loop", 4) == 0)
    for (volatile int i = 0;; ++i) {
    }
  capsule_buf message = capsule_get_env("MESSAGE");
  char line[256];
  snprintf(line, sizeof line, "Environment variable -> MESSAGE: %s", message.data);
  capsule_print(line);
  capsule_buf_free(&message);
  return capsule_success_printf("Hello %.*s", (int)len, params);
}

int main(void) {
  capsule_set_handle(handle);
  return 0;
}
