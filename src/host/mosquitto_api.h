// libmosquitto's functions the HDK's MQTT connection uses (host/mqtt_client.h), resolved from libmosquitto.so.1 on
// first use (host/lazy_library.h): capsule-mqtt links libmosquitto itself, every other runner loads it only when a
// module calls an MQTT host function. The library is initialized (mosquitto_lib_init) once, when loaded.
#pragma once

#include <mosquitto.h>

#include "capsule/result.h"

namespace capsule::host {

// Pointers to the libmosquitto functions of the same names.
struct MosquittoApi {
  decltype(&::mosquitto_connack_string) mosquitto_connack_string;
  decltype(&::mosquitto_connect_bind_v5) mosquitto_connect_bind_v5;
  decltype(&::mosquitto_connect_v5_callback_set) mosquitto_connect_v5_callback_set;
  decltype(&::mosquitto_destroy) mosquitto_destroy;
  decltype(&::mosquitto_disconnect_v5) mosquitto_disconnect_v5;
  decltype(&::mosquitto_disconnect_v5_callback_set) mosquitto_disconnect_v5_callback_set;
  decltype(&::mosquitto_int_option) mosquitto_int_option;
  decltype(&::mosquitto_lib_init) mosquitto_lib_init;
  decltype(&::mosquitto_loop) mosquitto_loop;
  decltype(&::mosquitto_message_v5_callback_set) mosquitto_message_v5_callback_set;
  decltype(&::mosquitto_new) mosquitto_new;
  decltype(&::mosquitto_property_add_binary) mosquitto_property_add_binary;
  decltype(&::mosquitto_property_add_int32) mosquitto_property_add_int32;
  decltype(&::mosquitto_property_add_string) mosquitto_property_add_string;
  decltype(&::mosquitto_property_add_string_pair) mosquitto_property_add_string_pair;
  decltype(&::mosquitto_property_free_all) mosquitto_property_free_all;
  decltype(&::mosquitto_property_read_binary) mosquitto_property_read_binary;
  decltype(&::mosquitto_property_read_string) mosquitto_property_read_string;
  decltype(&::mosquitto_property_read_string_pair) mosquitto_property_read_string_pair;
  decltype(&::mosquitto_publish_v5) mosquitto_publish_v5;
  decltype(&::mosquitto_publish_v5_callback_set) mosquitto_publish_v5_callback_set;
  decltype(&::mosquitto_reason_string) mosquitto_reason_string;
  decltype(&::mosquitto_reconnect) mosquitto_reconnect;
  decltype(&::mosquitto_strerror) mosquitto_strerror;
  decltype(&::mosquitto_subscribe_v5) mosquitto_subscribe_v5;
  decltype(&::mosquitto_sub_topic_check2) mosquitto_sub_topic_check2;
  decltype(&::mosquitto_pub_topic_check2) mosquitto_pub_topic_check2;
  decltype(&::mosquitto_subscribe_v5_callback_set) mosquitto_subscribe_v5_callback_set;
  decltype(&::mosquitto_threaded_set) mosquitto_threaded_set;
  decltype(&::mosquitto_tls_set) mosquitto_tls_set;
  decltype(&::mosquitto_username_pw_set) mosquitto_username_pw_set;
  decltype(&::mosquitto_validate_utf8) mosquitto_validate_utf8;
};

// libmosquitto, loaded and initialized once. Errors: kNotFound when it cannot be loaded (named).
Result<const MosquittoApi*> Mosquitto();

}  // namespace capsule::host
