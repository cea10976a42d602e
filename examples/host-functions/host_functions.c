// A CLI module using host functions: environment, file write and read, printing (Capsule's README sample, in C).
#include <capsule.h>

static capsule_result handle(const char* params, uint32_t len) {
  capsule_buf message = capsule_get_env("MESSAGE");
  char line[256];
  snprintf(line, sizeof line, "Environment variable -> MESSAGE: %s", message.data);
  capsule_print(line);
  capsule_buf_free(&message);

  static const char content[] = "\xF0\x9F\x91\x8B Hello World! \xF0\x9F\x8C\x8D";
  capsule_reply written = capsule_write_file("./hello.txt", content, sizeof content - 1);
  if (!written.ok) {
    capsule_result failure = capsule_failure(written.data.data, written.data.len);
    capsule_buf_free(&written.data);
    return failure;
  }
  capsule_buf_free(&written.data);

  capsule_reply read = capsule_read_file("./hello.txt");
  if (!read.ok) {
    capsule_result failure = capsule_failure(read.data.data, read.data.len);
    capsule_buf_free(&read.data);
    return failure;
  }
  capsule_log(read.data.data);
  capsule_buf_free(&read.data);

  return capsule_success_printf("\xF0\x9F\x91\x8B Hello %.*s", (int)len, params);
}

int main(void) {
  capsule_set_handle(handle);
  return 0;
}
