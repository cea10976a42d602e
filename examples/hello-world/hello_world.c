// Capsule's hello-world HTTP sample (capsule-http/functions/hello-world) in C:
// POST {"name":"Bob","age":42} -> {"message":"Bob 42","things":{"emoji":"🐯"}}.
#include <capsule_http.h>

static capsule_result handle(const char* request, uint32_t len) {
  (void)len;
  capsule_buf body = capsule_http_body(request);
  capsule_buf name = capsule_json_get(body.data, "name");
  capsule_buf age = capsule_json_get(body.data, "age");
  capsule_buf message = capsule_json_escape(name.data, name.len);
  capsule_buf age_text = capsule_json_escape(age.data, age.len);
  const size_t size = message.len + age_text.len + 64;
  char* json = (char*)malloc(size);
  snprintf(json, size, "{\"message\":\"%s %s\",\"things\":{\"emoji\":\"🐯\"}}", message.data, age_text.data);
  capsule_result r = capsule_http_json(200, json);
  free(json);
  capsule_buf_free(&age_text);
  capsule_buf_free(&message);
  capsule_buf_free(&age);
  capsule_buf_free(&name);
  capsule_buf_free(&body);
  return r;
}

int main(void) {
  capsule_set_handle_http(handle);
  return 0;
}
