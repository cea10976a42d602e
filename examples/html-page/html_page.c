// Serves an HTML page that greets the caller with the request's path, to show text bodies and custom headers.
#include <capsule_http.h>

static capsule_result handle(const char* request, uint32_t len) {
  (void)len;
  capsule_buf uri = capsule_json_get(request, "URI");
  capsule_buf safe = capsule_json_escape(uri.data, uri.len);
  // The URI is shown as text: replace the HTML specials it may contain.
  for (char* c = safe.data; *c; ++c)
    if (*c == '<' || *c == '>' || *c == '&') *c = '_';
  char page[2048];
  int n = snprintf(page, sizeof page,
                   "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Capsule</title></head>\n"
                   "<body><h1>Hello from a Capsule module</h1><p>You asked for %.1500s</p></body></html>\n",
                   safe.data);
  capsule_buf_free(&safe);
  capsule_buf_free(&uri);
  return capsule_http_text(200, "text/html; charset=utf-8", page, (uint32_t)n);
}

int main(void) {
  capsule_set_handle_http(handle);
  return 0;
}
