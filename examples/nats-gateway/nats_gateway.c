// A NATS module for capsule-nats with the plain entry (callHandle, the payload in): forwards each request to the
// service on the subject named in env BACKEND (default "backend.price") with capsule_nats_request, and answers
// "<payload>: <the service's answer>"; when the service is down it answers a failure saying so.
#include <capsule.h>
#include <capsule_messaging.h>

static capsule_result forward(const char* payload, uint32_t len) {
  capsule_buf backend = capsule_get_env("BACKEND");
  const char* subject = backend.len ? backend.data : "backend.price";
  capsule_reply answer = capsule_nats_request(subject, payload, len, 1000);
  capsule_result result = answer.ok ? capsule_success_printf("%s: %s", payload, answer.data.data)
                                    : capsule_failure_printf("%s is unavailable: %s", subject, answer.data.data);
  capsule_buf_free(&answer.data);
  capsule_buf_free(&backend);
  return result;
}

int main(void) {
  capsule_set_handle(forward);
  return 0;
}
