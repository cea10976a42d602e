// A current-ABI message module (callHandle only, the payload in), for capsule-nats and capsule-mqtt. The payload
// decides: "fail" answers F, "trap" traps, "loop" never returns, "garbage" answers a range outside memory,
// "mark:<id>" publishes <id> to the subject (topic) in env MARKS (NATS: "marks") and answers "marked <id>",
// "request:<subject>" sends a NATS request "ping" and answers its reply, "publish:<subject>" publishes "hello" there
// and answers the host's answer, "slow" sleeps 300 ms, "count" answers how many "count" messages this instance
// saw; anything else is echoed as "echo:<payload>". OnStart and OnStop print a line.
#include <capsule.h>
#include <capsule_messaging.h>
#include <string.h>
#include <time.h>

static int starts_with(const char* s, const char* prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int counted;

static capsule_result handle(const char* payload, uint32_t len) {
  if (strcmp(payload, "count") == 0) return capsule_success_printf("%d", ++counted);
  if (strcmp(payload, "fail") == 0) return capsule_failure_str("you asked me to fail");
  if (strcmp(payload, "trap") == 0) __builtin_trap();
  if (strcmp(payload, "loop") == 0)
    for (volatile int i = 0;; ++i) {
    }
  if (strcmp(payload, "garbage") == 0) {
    capsule_result bad;
    bad.packed = ((uint64_t)0xFFFFFFF0u << 32) | 64u;
    return bad;
  }
  if (strcmp(payload, "slow") == 0) {
    struct timespec t = {0, 300 * 1000 * 1000};
    nanosleep(&t, NULL);
    return capsule_success_str("slept");
  }
  if (starts_with(payload, "mark:")) {
    const char* id = payload + 5;
    capsule_buf marks = capsule_get_env("MARKS");
    const char* where = marks.len ? marks.data : "marks";
    capsule_buf topic = capsule_mqtt_topic();  // empty unless capsule-mqtt runs the module
    capsule_reply r = topic.len ? capsule_mqtt_publish(where, id, (uint32_t)strlen(id))
                                : capsule_nats_publish(where, id, (uint32_t)strlen(id));
    capsule_buf_free(&topic);
    capsule_buf_free(&marks);
    if (!r.ok) return capsule_failure(r.data.data, r.data.len);
    capsule_buf_free(&r.data);
    return capsule_success_printf("marked %s", id);
  }
  if (starts_with(payload, "request:")) {
    capsule_reply r = capsule_nats_request(payload + 8, "ping", 4, 2000);
    if (!r.ok) return capsule_failure(r.data.data, r.data.len);
    return capsule_success(r.data.data, r.data.len);
  }
  if (starts_with(payload, "publish:")) {
    capsule_reply r = capsule_nats_publish(payload + 8, "hello", 5);
    return capsule_success_printf("%s:%s", r.ok ? "ok" : "failed", r.data.data);
  }
  return capsule_success_printf("echo:%.*s", (int)len, payload);
}

CAPSULE_EXPORT("OnStart") void on_start(void) {
  capsule_print("OnStart called");
}
CAPSULE_EXPORT("OnStop") void on_stop(void) {
  capsule_print("OnStop called");
}

int main(void) {
  capsule_set_handle(handle);
  return 0;
}
