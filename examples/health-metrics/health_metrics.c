// A module with its own GET /health (OnHealthCheck) and GET /metrics (OnMetrics), and a handler counting calls.
#include <capsule_http.h>

static unsigned calls;

static capsule_result handle(const char* request, uint32_t len) {
  (void)request, (void)len;
  ++calls;
  return capsule_http_json(200, "{\"answer\":42}");
}

static capsule_result health(void) {
  return capsule_http_json(200, "{\"health\":\"ok\"}");
}

static capsule_result metrics(void) {
  char text[128];
  int n = snprintf(text, sizeof text, "# TYPE module_calls_total counter\nmodule_calls_total %u\n", calls);
  return capsule_http_text(200, "text/plain; version=0.0.4", text, (uint32_t)n);
}

CAPSULE_ON_HEALTH_CHECK(health)
CAPSULE_ON_METRICS(metrics)

int main(void) {
  capsule_set_handle_http(handle);
  return 0;
}
