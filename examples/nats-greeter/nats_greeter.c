// A NATS message module for capsule-nats, with the richer entry (callHandleMessage): greets whoever the message
// names, replies "Hello <name>" (to requesters), and publishes an audit event of each greeting on greetings.audit.
#define CAPSULE_MESSAGE_HANDLER
#include <capsule_messaging.h>

static capsule_result greet(const char* envelope, uint32_t len) {
  (void)len;
  capsule_buf subject = capsule_json_get(envelope, "Subject");
  capsule_buf name = capsule_json_get(envelope, "Data");
  if (name.len == 0) {
    capsule_buf_free(&subject);
    capsule_buf_free(&name);
    return capsule_failure_str("send a name");
  }
  char audit[512];
  int n = snprintf(audit, sizeof audit, "{\"greeted\":\"%s\",\"on\":\"%s\"}", name.data, subject.data);
  capsule_reply published = capsule_nats_publish("greetings.audit", audit, (uint32_t)n);
  if (!published.ok) capsule_log(published.data.data);  // an audit that cannot be sent does not stop the greeting
  capsule_buf_free(&published.data);
  capsule_result result = capsule_success_printf("Hello %s", name.data);
  capsule_buf_free(&subject);
  capsule_buf_free(&name);
  return result;
}

int main(void) {
  capsule_set_handle_message(greet);
  return 0;
}
