// An MQTT message module for capsule-mqtt (callHandleMessage): reads temperatures published on
// sensors/<room>/temperature and, above 25 degrees, publishes "on" to <room>/fan (below: "off") with
// capsule_mqtt_publish. Its answer ("kitchen: 27.5 -> fan on") goes to the message's response topic or --reply-topic.
#define CAPSULE_MESSAGE_HANDLER
#include <capsule_messaging.h>
#include <stdlib.h>
#include <string.h>

static capsule_result on_temperature(const char* envelope, uint32_t len) {
  (void)len;
  capsule_buf topic = capsule_json_get(envelope, "Subject");  // sensors/<room>/temperature
  capsule_buf data = capsule_json_get(envelope, "Data");
  char room[128] = "";
  const char* start = strchr(topic.data, '/');
  const char* end = start ? strchr(start + 1, '/') : NULL;
  capsule_result result;
  char* number_end = NULL;
  const double degrees = strtod(data.data, &number_end);
  if (!end || end - start - 1 >= (long)sizeof room || number_end == data.data) {
    result = capsule_failure_printf("expected a number on sensors/<room>/temperature, got \"%s\" on %s", data.data,
                                    topic.data);
  } else {
    memcpy(room, start + 1, (size_t)(end - start - 1));
    const char* fan = degrees > 25 ? "on" : "off";
    char where[160];
    snprintf(where, sizeof where, "%s/fan", room);
    capsule_reply r = capsule_mqtt_publish(where, fan, (uint32_t)strlen(fan));
    result = r.ok ? capsule_success_printf("%s: %s -> fan %s", room, data.data, fan)
                  : capsule_failure(r.data.data, r.data.len);
    capsule_buf_free(&r.data);
  }
  capsule_buf_free(&topic);
  capsule_buf_free(&data);
  return result;
}

int main(void) {
  capsule_set_handle_message(on_temperature);
  return 0;
}
