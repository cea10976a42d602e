#include "host/mosquitto_api.h"

#include "host/lazy_library.h"

namespace capsule::host {

Result<const MosquittoApi*> Mosquitto() {
  static const Result<const MosquittoApi*>* loaded = [] {
    static LazyLibrary library("libmosquitto.so.1");
    static MosquittoApi api;
    Status st = Status::Ok();
    auto bind = [&](const char* name, auto& fn) {
      if (st) st = Bind(library, name, fn);
    };
    bind("mosquitto_connack_string", api.mosquitto_connack_string);
    bind("mosquitto_connect_bind_v5", api.mosquitto_connect_bind_v5);
    bind("mosquitto_connect_v5_callback_set", api.mosquitto_connect_v5_callback_set);
    bind("mosquitto_destroy", api.mosquitto_destroy);
    bind("mosquitto_disconnect_v5", api.mosquitto_disconnect_v5);
    bind("mosquitto_disconnect_v5_callback_set", api.mosquitto_disconnect_v5_callback_set);
    bind("mosquitto_int_option", api.mosquitto_int_option);
    bind("mosquitto_lib_init", api.mosquitto_lib_init);
    bind("mosquitto_loop", api.mosquitto_loop);
    bind("mosquitto_message_v5_callback_set", api.mosquitto_message_v5_callback_set);
    bind("mosquitto_new", api.mosquitto_new);
    bind("mosquitto_property_add_binary", api.mosquitto_property_add_binary);
    bind("mosquitto_property_add_int32", api.mosquitto_property_add_int32);
    bind("mosquitto_property_add_string", api.mosquitto_property_add_string);
    bind("mosquitto_property_add_string_pair", api.mosquitto_property_add_string_pair);
    bind("mosquitto_property_free_all", api.mosquitto_property_free_all);
    bind("mosquitto_property_read_binary", api.mosquitto_property_read_binary);
    bind("mosquitto_property_read_string", api.mosquitto_property_read_string);
    bind("mosquitto_property_read_string_pair", api.mosquitto_property_read_string_pair);
    bind("mosquitto_publish_v5", api.mosquitto_publish_v5);
    bind("mosquitto_publish_v5_callback_set", api.mosquitto_publish_v5_callback_set);
    bind("mosquitto_reason_string", api.mosquitto_reason_string);
    bind("mosquitto_reconnect", api.mosquitto_reconnect);
    bind("mosquitto_strerror", api.mosquitto_strerror);
    bind("mosquitto_subscribe_v5", api.mosquitto_subscribe_v5);
    bind("mosquitto_sub_topic_check2", api.mosquitto_sub_topic_check2);
    bind("mosquitto_pub_topic_check2", api.mosquitto_pub_topic_check2);
    bind("mosquitto_subscribe_v5_callback_set", api.mosquitto_subscribe_v5_callback_set);
    bind("mosquitto_threaded_set", api.mosquitto_threaded_set);
    bind("mosquitto_tls_set", api.mosquitto_tls_set);
    bind("mosquitto_username_pw_set", api.mosquitto_username_pw_set);
    bind("mosquitto_validate_utf8", api.mosquitto_validate_utf8);
    if (st) api.mosquitto_lib_init();
    return st ? new Result<const MosquittoApi*>(&api) : new Result<const MosquittoApi*>(st.take_error());
  }();
  return *loaded;
}

}  // namespace capsule::host
