// A current-ABI module exercising the host functions through the C SDK. callHandle takes "<command>:<argument>".
#define CAPSULE_CUSTOM_ALLOCATE_BUFFER
#include <capsule.h>

static capsule_buf start_env;   // hostGetEnv during _start
static capsule_buf start_talk;  // hostTalk during _start
static uint32_t grow_pages;     // when set, the next allocateBuffer grows memory and answers from the new pages

// Replaces the SDK's allocateBuffer so that a test can make it grow memory while a host function waits.
__attribute__((export_name("allocateBuffer"))) char* capsule__allocate_buffer(uint32_t size) {
  if (grow_pages) {
    uint32_t pages = grow_pages;
    grow_pages = 0;
    size_t old = __builtin_wasm_memory_grow(0, pages);
    if (old == (size_t)-1) return NULL;
    return (char*)(old * 65536 + 8);
  }
  char* buffer = (char*)malloc((size_t)size + 1);
  if (buffer) buffer[size] = 0;
  return buffer;
}

static capsule_result reply_result(capsule_reply reply) {
  capsule_result r =
      reply.ok ? capsule_success(reply.data.data, reply.data.len) : capsule_failure(reply.data.data, reply.data.len);
  capsule_buf_free(&reply.data);
  return r;
}

static capsule_result buf_result(capsule_buf buf) {
  capsule_result r = capsule_success(buf.data, buf.len);
  capsule_buf_free(&buf);
  return r;
}

static capsule_result handle(const char* params, uint32_t len) {
  const char* colon = strchr(params, ':');
  if (!colon) return capsule_failure_str("expected <command>:<argument>");
  size_t cmd_len = (size_t)(colon - params);
  const char* arg = colon + 1;
  uint32_t arg_len = len - (uint32_t)cmd_len - 1;
#define IS(name) (cmd_len == sizeof(name) - 1 && memcmp(params, name, cmd_len) == 0)
  if (IS("print")) {
    capsule_print_n(arg, arg_len);
    return capsule_success_str("printed");
  }
  if (IS("log")) {
    capsule_log_n(arg, arg_len);
    return capsule_success_str("logged");
  }
  if (IS("env")) return buf_result(capsule_get_env(arg));
  if (IS("talk")) return buf_result(capsule_talk(arg));
  if (IS("read")) return reply_result(capsule_read_file(arg));
  if (IS("write")) {  // write:<path>=<content>
    const char* eq = strchr(arg, '=');
    if (!eq) return capsule_failure_str("expected write:<path>=<content>");
    char path[512];
    size_t path_len = (size_t)(eq - arg);
    if (path_len >= sizeof path) return capsule_failure_str("path too long");
    memcpy(path, arg, path_len);
    path[path_len] = 0;
    return reply_result(capsule_write_file(path, eq + 1, (uint32_t)strlen(eq + 1)));
  }
  if (IS("start")) return capsule_success_printf("env=%s talk=%s", start_env.data, start_talk.data);
  if (IS("grow")) {  // grow:<pages> then hostTalk; answers the greeting read from the grown memory
    grow_pages = (uint32_t)atoi(arg);
    size_t before = __builtin_wasm_memory_size(0);
    char* ptr = NULL;
    uint32_t n = 0;
    capsule__host_talk("grow", 4, &ptr, &n);
    size_t after = __builtin_wasm_memory_size(0);
    if (!ptr) return capsule_failure_str("no answer");
    if ((size_t)ptr < before * 65536) return capsule_failure_str("answer not in the grown memory");
    return capsule_success_printf("%zu->%zu:%.*s", before, after, (int)n, ptr);
  }
  return capsule_failure_printf("unknown command %.*s", (int)cmd_len, params);
#undef IS
}

int main(void) {
  capsule_print("hello from _start");
  start_env = capsule_get_env("CAPSULE_START_ENV");
  start_talk = capsule_talk("from _start");
  capsule_set_handle(handle);
  return 0;
}
