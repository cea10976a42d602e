// A current-ABI module calling every Capsule host function through the C SDK. callHandle takes
// "<command>:<argument>"; a host answer becomes the handler's answer (S or F), so the CLI prints it as is.
// callHandleHTTP takes the same command as its request body and answers 200 (S) or 500 (F) with the text.
#include <capsule.h>
#include <capsule_http.h>

static capsule_result reply_result(capsule_reply reply) {
  capsule_result r =
      reply.ok ? capsule_success(reply.data.data, reply.data.len) : capsule_failure(reply.data.data, reply.data.len);
  capsule_buf_free(&reply.data);
  return r;
}

// Splits "key=value" in place: returns the value, or NULL without '='.
static char* split_pair(char* arg) {
  char* eq = strchr(arg, '=');
  if (!eq) return NULL;
  *eq = 0;
  return eq + 1;
}

static capsule_result handle(const char* params, uint32_t len) {
  (void)len;
  char* copy = strdup(params);
  char* colon = strchr(copy, ':');
  if (!colon) return capsule_failure_str("expected <command>:<argument>");
  *colon = 0;
  const char* cmd = copy;
  char* arg = colon + 1;
  capsule_result r;
  char* value;
  if (strcmp(cmd, "env") == 0) {
    capsule_buf buf = capsule_get_env(arg);
    r = capsule_success(buf.data, buf.len);
    capsule_buf_free(&buf);
  } else if (strcmp(cmd, "read") == 0) {
    r = reply_result(capsule_read_file(arg));
  } else if (strcmp(cmd, "write") == 0 && (value = split_pair(arg))) {
    r = reply_result(capsule_write_file(arg, value, (uint32_t)strlen(value)));
  } else if (strcmp(cmd, "http") == 0) {
    r = reply_result(capsule_http(arg));
  } else if (strcmp(cmd, "cache-set") == 0 && (value = split_pair(arg))) {
    r = reply_result(capsule_cache_set(arg, value, (uint32_t)strlen(value)));
  } else if (strcmp(cmd, "cache-get") == 0) {
    r = reply_result(capsule_cache_get(arg));
  } else if (strcmp(cmd, "cache-del") == 0) {
    r = reply_result(capsule_cache_del(arg));
  } else if (strcmp(cmd, "cache-keys") == 0) {
    r = reply_result(capsule_cache_keys(arg));
  } else if (strcmp(cmd, "cache-roundtrip") == 0 && (value = split_pair(arg))) {
    // Set then get in one process (the cache lives as long as the host process).
    capsule_reply set = capsule_cache_set(arg, value, (uint32_t)strlen(value));
    if (!set.ok) return reply_result(set);
    capsule_buf_free(&set.data);
    r = reply_result(capsule_cache_get(arg));
  } else if (strcmp(cmd, "redis-set") == 0 && (value = split_pair(arg))) {
    r = reply_result(capsule_redis_set(arg, value, (uint32_t)strlen(value)));
  } else if (strcmp(cmd, "redis-get") == 0) {
    r = reply_result(capsule_redis_get(arg));
  } else if (strcmp(cmd, "redis-del") == 0) {
    r = reply_result(capsule_redis_del(arg));
  } else if (strcmp(cmd, "redis-keys") == 0) {
    r = reply_result(capsule_redis_keys(arg));
  } else if (strcmp(cmd, "talk") == 0) {
    capsule_buf buf = capsule_talk(arg);
    r = capsule_success(buf.data, buf.len);
    capsule_buf_free(&buf);
  } else if (strcmp(cmd, "print") == 0) {
    capsule_print(arg);
    r = capsule_success_str("printed");
  } else if (strcmp(cmd, "log") == 0) {
    capsule_log(arg);
    r = capsule_success_str("logged");
  } else {
    r = capsule_failure_printf("unknown command %s", cmd);
  }
  free(copy);
  return r;
}

static capsule_result handle_http(const char* request, uint32_t len) {
  (void)len;
  capsule_buf body = capsule_http_body(request);
  capsule_result inner = handle(body.data, body.len);
  capsule_buf_free(&body);
  const char* answer = (const char*)(uintptr_t)(inner.packed >> 32);
  uint32_t answer_len = (uint32_t)inner.packed;
  if (answer_len == 0) return capsule_http_text(500, "text/plain", "no answer", 9);
  // The next result frees this one: copy it first.
  char* copy = (char*)malloc(answer_len);
  memcpy(copy, answer, answer_len);
  capsule_result r = capsule_http_text(copy[0] == 'S' ? 200 : 500, "text/plain", copy + 1, answer_len - 1);
  free(copy);
  return r;
}

int main(void) {
  capsule_set_handle(handle);
  capsule_set_handle_http(handle_http);
  return 0;
}
