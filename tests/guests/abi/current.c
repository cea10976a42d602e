// A current-ABI module built with the C SDK: callHandle greets, answers F on request, an empty payload, or (cstr:)
// the input read as the C string the SDK promises, or (json:KEY:DOC) what capsule_json_get finds for KEY in DOC.
#include <capsule_http.h>

static capsule_result handle(const char* params, uint32_t len) {
  if (len == 0) return capsule_success(NULL, 0);
  if (strncmp(params, "fail:", 5) == 0) return capsule_failure(params + 5, len - 5);
  if (strncmp(params, "cstr:", 5) == 0) return capsule_success_str(params + 5);
  if (strncmp(params, "json:", 5) == 0) {
    const char* doc = strchr(params + 5, ':');
    if (!doc) return capsule_failure_str("json:KEY:DOC");
    char key[64];
    const size_t n = (size_t)(doc - (params + 5));
    if (n >= sizeof key) return capsule_failure_str("key too long");
    memcpy(key, params + 5, n);
    key[n] = 0;
    int found = 0;
    capsule_buf value = capsule_json_get_ex(doc + 1, key, &found);
    capsule_result r = found ? capsule_success(value.data, value.len) : capsule_failure_str("missing");
    capsule_buf_free(&value);
    return r;
  }
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
