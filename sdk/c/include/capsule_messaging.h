/* capsule_messaging.h: messages from NATS and MQTT, for modules served by capsule-nats and capsule-mqtt
 * (header-only, C and C++). Include after or instead of capsule.h.
 *
 *   #define CAPSULE_MESSAGE_HANDLER   // export callHandleMessage (the message as JSON)
 *   #include <capsule_messaging.h>
 *
 *   static capsule_result on_message(const char* envelope, uint32_t len) {
 *     capsule_buf subject = capsule_json_get(envelope, "Subject");   // capsule_http.h's JSON reader
 *     capsule_buf data = capsule_json_get(envelope, "Data");
 *     capsule_nats_publish("audit.seen", data.data, data.len);
 *     return capsule_success_printf("got %s", data.data);           // the reply, when the message asked for one
 *   }
 *   int main(void) { capsule_set_handle_message(on_message); return 0; }
 *
 * A module that only needs the payload can keep callHandle (capsule_set_handle): the runners hand it the payload
 * and send its S answer as the reply. Including this header exports callHandleMessage, which the runners prefer:
 * its input is the message as JSON, {"Protocol":"nats","Subject":"...","Reply":"...","Headers":{"K":["v"]},
 * "Data":"<text>","DataBase64":"<bytes>","QoS":0,"Retain":false,"Stream":"","Sequence":0,"Deliveries":0}
 * (docs/messaging.md).
 */
#ifndef CAPSULE_SDK_CAPSULE_MESSAGING_H_
#define CAPSULE_SDK_CAPSULE_MESSAGING_H_

#include "capsule.h"
#include "capsule_http.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef CAPSULE_MESSAGE_HANDLER
__attribute__((weak)) capsule_handler capsule__handle_message;

/* Sets the handler of callHandleMessage: the message's JSON envelope in, the reply out (S: its payload; F: the
 * runner replies with the message and a Capsule-Error header, or naks a JetStream message). Call it from main. */
static inline void capsule_set_handle_message(capsule_handler handler) {
  capsule__handle_message = handler;
}

CAPSULE_EXPORT("callHandleMessage") uint64_t capsule__call_handle_message(const char* params, uint32_t len) {
  return capsule__dispatch(capsule__handle_message, "capsule_set_handle_message", params, len);
}
#endif

CAPSULE_IMPORT("hostNatsPublish")
int32_t capsule__host_nats_publish(const char* subject, uint32_t subject_len, const char* data, uint32_t data_len,
                                   char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostNatsRequest")
int32_t capsule__host_nats_request(const char* subject, uint32_t subject_len, const char* data, uint32_t data_len,
                                   uint32_t timeout_ms, char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostNatsReply")
int32_t capsule__host_nats_reply(const char* data, uint32_t data_len, uint32_t timeout_s, char** ret_ptr,
                                 uint32_t* ret_len);
CAPSULE_IMPORT("hostNatsGetSubject") int32_t capsule__host_nats_get_subject(char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostNatsGetServer") int32_t capsule__host_nats_get_server(char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostMqttPublish")
int32_t capsule__host_mqtt_publish(const char* topic, uint32_t topic_len, const char* data, uint32_t data_len,
                                   char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostMqttGetTopic") int32_t capsule__host_mqtt_get_topic(char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostMqttGetServer") int32_t capsule__host_mqtt_get_server(char** ret_ptr, uint32_t* ret_len);
CAPSULE_IMPORT("hostMqttGetClientId") int32_t capsule__host_mqtt_get_client_id(char** ret_ptr, uint32_t* ret_len);

/* Calls a host function of shape (ret) and adopts its raw answer. */
static inline capsule_buf capsule__buf_call(int32_t (*fn)(char**, uint32_t*)) {
  char* ptr = NULL;
  uint32_t len = 0;
  fn(&ptr, &len);
  return capsule__adopt(ptr, len);
}

/* Publishes len bytes to a NATS subject through capsule-nats' connection: ok and the subject, or the error (not
 * running in capsule-nats, a subject outside --allow-publish, the connection down). */
static inline capsule_reply capsule_nats_publish(const char* subject, const void* data, uint32_t len) {
  return capsule__pair_call(capsule__host_nats_publish, subject, data, len);
}

/* Sends a NATS request and waits up to timeout_ms (0: 1000) for its reply: ok and the reply's payload, or the
 * error ("no responders on <subject>", a timeout). */
static inline capsule_reply capsule_nats_request(const char* subject, const void* data, uint32_t len,
                                                 uint32_t timeout_ms) {
  char* ptr = NULL;
  uint32_t ret_len = 0;
  capsule__host_nats_request(subject, (uint32_t)strlen(subject), (const char*)data, len, timeout_ms, &ptr, &ret_len);
  return capsule__adopt_reply(ptr, ret_len);
}

/* Replies to the message being handled now (then the runner sends no reply of its own): ok and the reply subject,
 * or the error ("nats: message does not have a reply"). */
static inline capsule_reply capsule_nats_reply(const void* data, uint32_t len) {
  char* ptr = NULL;
  uint32_t ret_len = 0;
  capsule__host_nats_reply((const char*)data, len, 1, &ptr, &ret_len);
  return capsule__adopt_reply(ptr, ret_len);
}

/* The subject and the server capsule-nats was started with (empty elsewhere). */
static inline capsule_buf capsule_nats_subject(void) {
  return capsule__buf_call(capsule__host_nats_get_subject);
}
static inline capsule_buf capsule_nats_server(void) {
  return capsule__buf_call(capsule__host_nats_get_server);
}

/* Publishes len bytes to an MQTT topic through capsule-mqtt's connection (QoS 0): ok and the topic, or the error. */
static inline capsule_reply capsule_mqtt_publish(const char* topic, const void* data, uint32_t len) {
  return capsule__pair_call(capsule__host_mqtt_publish, topic, data, len);
}

/* The topic, server and client id capsule-mqtt was started with (empty elsewhere). */
static inline capsule_buf capsule_mqtt_topic(void) {
  return capsule__buf_call(capsule__host_mqtt_get_topic);
}
static inline capsule_buf capsule_mqtt_server(void) {
  return capsule__buf_call(capsule__host_mqtt_get_server);
}
static inline capsule_buf capsule_mqtt_client_id(void) {
  return capsule__buf_call(capsule__host_mqtt_get_client_id);
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CAPSULE_SDK_CAPSULE_MESSAGING_H_ */
