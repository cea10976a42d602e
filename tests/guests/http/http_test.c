// The module the capsule-http end-to-end tests drive: one behaviour per path.
//   /echo     {"method","uri","body","headers"} of the request     /counter  a per-instance counter
//             (a path matches its sub-paths too: /echo/a/b is /echo)
//   /text     201, a text body and a custom header                  /fail     F "boom"
//   /garbage  S + text that is not JSON                             /trap     a trap
//   /loop     an endless loop                                       /grow     tries to allocate 32 MiB
//   /slow     busy for ~200 ms                                      /badheaders  invalid header names and values
//   /sleep    sleeps 10 s in the host (poll_oneoff)                 /openfd   opens /data, left open: {"fd":N}
//   /nap      sleeps 100 ms in the host (a call in flight that costs no CPU)
//   /teapot   418 by capsule_http_json_ex, with two extra headers   /html  203 by capsule_http_text
//   /exhaust  takes all memory malloc gives, then calls capsule_json_get (which must trap)
//   anything else  {"hello":"world"}
// OnStart and OnStop print a line on stdout.
#include <capsule_http.h>
#include <fcntl.h>
#include <unistd.h>

static unsigned counter;

static int path_is(const char* uri, const char* path) {
  const char* p = strstr(uri, "://");
  p = p ? strchr(p + 3, '/') : uri;
  if (!p) return 0;
  size_t n = strlen(path);
  return strncmp(p, path, n) == 0 && (p[n] == 0 || p[n] == '?' || p[n] == '/');
}

static capsule_result handle(const char* request, uint32_t len) {
  (void)len;
  capsule_buf uri = capsule_json_get(request, "URI");
  capsule_result r;
  if (path_is(uri.data, "/echo")) {
    capsule_buf method = capsule_json_get(request, "Method");
    capsule_buf body = capsule_http_body(request);
    capsule_buf headers = capsule_json_get(request, "Headers");
    capsule_buf e[4] = {capsule_json_escape(method.data, method.len), capsule_json_escape(uri.data, uri.len),
                        capsule_json_escape(body.data, body.len), capsule_json_escape(headers.data, headers.len)};
    size_t n = e[0].len + e[1].len + e[2].len + e[3].len + 64;
    char* json = (char*)malloc(n);
    snprintf(json, n, "{\"method\":\"%s\",\"uri\":\"%s\",\"body\":\"%s\",\"headers\":\"%s\"}", e[0].data, e[1].data,
             e[2].data, e[3].data);
    r = capsule_http_json(200, json);
    free(json);
    for (int i = 0; i < 4; ++i) capsule_buf_free(&e[i]);
    capsule_buf_free(&method);
    capsule_buf_free(&body);
    capsule_buf_free(&headers);
  } else if (path_is(uri.data, "/counter")) {
    char json[64];
    snprintf(json, sizeof json, "{\"counter\":%u}", ++counter);
    r = capsule_http_json(200, json);
  } else if (path_is(uri.data, "/text")) {
    r = capsule_success_str(
        "{\"JSONBody\":{},\"TextBody\":\"aGVsbG8gdGV4dA==\",\"Headers\":{\"Content-Type\":\"text/plain\","
        "\"X-Test\":\"yes\"},\"StatusCode\":201}");
  } else if (path_is(uri.data, "/badheaders")) {
    r = capsule_success_str(
        "{\"JSONBody\":{},\"Headers\":{\"Bad Name\":\"x\",\"X-Ok\":\"fine\",\"X-Split\":\"a\\r\\nInjected: 1\"},"
        "\"StatusCode\":200}");
  } else if (path_is(uri.data, "/nostatus")) {
    r = capsule_success_str("{\"JSONBody\":{\"a\":[1,2]},\"TextBody\":\"\",\"Headers\":{}}");
  } else if (path_is(uri.data, "/teapot")) {
    r = capsule_http_json_ex(418, "{\"teapot\":true}", "\"X-Extra\":\"1\",\"X-More\":\"two\"");
  } else if (path_is(uri.data, "/html")) {
    static const char page[] = "<p>caf\xC3\xA9 \"quoted\"</p>";
    r = capsule_http_text(203, "text/html; charset=\"utf-8\"", page, (uint32_t)(sizeof page - 1));
  } else if (path_is(uri.data, "/fail")) {
    r = capsule_failure_str("boom");
  } else if (path_is(uri.data, "/garbage")) {
    r = capsule_success_str("this is not json");
  } else if (path_is(uri.data, "/trap")) {
    __builtin_trap();
  } else if (path_is(uri.data, "/loop")) {
    for (volatile unsigned i = 0;; ++i) {
    }
  } else if (path_is(uri.data, "/openfd")) {
    int fd = open("/data", O_RDONLY | O_DIRECTORY);  // left open on purpose
    char json[64];
    snprintf(json, sizeof json, "{\"fd\":%d}", fd);
    r = capsule_http_json(200, json);
  } else if (path_is(uri.data, "/sleep")) {
    sleep(10);  // poll_oneoff with a clock: a host-side wait that --timeout must end too
    r = capsule_http_json(200, "{\"slept\":true}");
  } else if (path_is(uri.data, "/nap")) {
    usleep(100000);
    r = capsule_http_json(200, "{\"napped\":true}");
  } else if (path_is(uri.data, "/slow")) {
    for (volatile unsigned i = 0; i < 100000000u; ++i) {
    }
    r = capsule_http_json(200, "{\"slow\":true}");
  } else if (path_is(uri.data, "/grow")) {
    char* volatile p = (char*)malloc(32u << 20);
    if (p) p[(32u << 20) - 1] = 1;
    r = p ? capsule_http_json(200, "{\"grown\":true}") : capsule_failure_str("out of memory");
    free(p);
  } else if (path_is(uri.data, "/exhaust")) {
    void* taken = NULL; /* every block malloc still gives, chained through their first bytes */
    for (size_t size = 1u << 20; size; size /= 2) {
      void* p;
      while ((p = malloc(size < sizeof(void*) ? sizeof(void*) : size)) != NULL) {
        *(void**)p = taken;
        taken = p;
      }
    }
    capsule_buf method = capsule_json_get(request, "Method"); /* no memory left for the copy: must trap */
    r = capsule_http_json(200, method.data ? "{\"copied\":true}" : "{\"copied\":false}");
  } else {
    r = capsule_http_json(200, "{\"hello\":\"world\"}");
  }
  capsule_buf_free(&uri);
  return r;
}

static void on_start(void) {
  capsule_print("OnStart called");
}
static void on_stop(void) {
  capsule_print("OnStop called");
}
CAPSULE_ON_START(on_start)
CAPSULE_ON_STOP(on_stop)

int main(void) {
  capsule_set_handle_http(handle);
  return 0;
}
