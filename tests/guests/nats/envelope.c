// A message module with the richer entry (callHandleMessage, capsule_messaging.h): answers the envelope it got, so
// that tests can read every field; Data "fail" answers F, and Data "reply-myself" replies with hostNatsReply
// ("replied myself") before answering S "ignored".
#define CAPSULE_MESSAGE_HANDLER
#include <capsule_messaging.h>
#include <string.h>

static capsule_result on_message(const char* envelope, uint32_t len) {
  capsule_buf data = capsule_json_get(envelope, "Data");
  capsule_result result;
  if (strcmp(data.data, "fail") == 0) {
    result = capsule_failure_str("the envelope asked me to fail");
  } else if (strcmp(data.data, "reply-myself") == 0) {
    capsule_reply r = capsule_nats_reply("replied myself", 14);
    result = r.ok ? capsule_success_str("ignored") : capsule_failure(r.data.data, r.data.len);
    capsule_buf_free(&r.data);
  } else {
    result = capsule_success(envelope, len);
  }
  capsule_buf_free(&data);
  return result;
}

int main(void) {
  capsule_set_handle_message(on_message);
  return 0;
}
