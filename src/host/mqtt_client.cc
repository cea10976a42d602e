#include "host/mqtt_client.h"

#include "host/mosquitto_api.h"

#include <mqtt_protocol.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

namespace capsule::host {
namespace {

// libmosquitto, once a Connect or a topic check loaded it.
const MosquittoApi& M() {
  return **Mosquitto();
}

struct PropertiesDeleter {
  void operator()(mosquitto_property* p) const { M().mosquitto_property_free_all(&p); }
};
using Properties = std::unique_ptr<mosquitto_property, PropertiesDeleter>;

Error MosquittoFailure(const std::string& what, int rc) {
  const ErrorCode code = rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_PAYLOAD_SIZE || rc == MOSQ_ERR_MALFORMED_UTF8 ||
                                 rc == MOSQ_ERR_QOS_NOT_SUPPORTED || rc == MOSQ_ERR_OVERSIZE_PACKET
                             ? ErrorCode::kInvalidArgument
                             : ErrorCode::kIo;
  std::string reason = M().mosquitto_strerror(rc);
  if (rc == MOSQ_ERR_ERRNO) reason = std::strerror(errno);
  return Fail(code, what + ": " + reason);
}

// Copies a libmosquitto string the library allocated, and frees it.
std::string Take(char* s) {
  std::string out = s ? s : "";
  std::free(s);
  return out;
}

}  // namespace

// What the network thread and the callers share.
struct MqttConnection::State {
  std::mutex mu;
  std::condition_variable cv;
  bool connected = false;
  bool connack = false;  // a CONNACK (or a failure to get one) arrived since Connect began
  int connack_rc = 0;    // its reason code
  // Publishes not yet sent (QoS 0) or acknowledged, by message id -> QoS. A QoS 0 publish still queued when the
  // connection drops is never sent (libmosquitto drops it on reconnecting), so a disconnection forgets them;
  // QoS 1 and 2 publishes are sent again after a reconnection.
  std::map<int, int> pending;
  std::set<int> done_early;  // ids whose publish callback came before Publish recorded them
  uint64_t disconnections = 0;
  std::map<int, int> subacks;                              // message id -> granted QoS (or a failure code >= 0x80)
  std::vector<std::pair<std::string, int>> subscriptions;  // made again when a reconnection lost the session
  bool stopping = false;                                   // the destructor runs: the network thread ends
};

Result<MqttAddress> ParseMqttUrl(std::string_view url) {
  MqttAddress a;
  std::string_view rest = url;
  if (const size_t scheme = rest.find("://"); scheme != std::string_view::npos) {
    const std::string_view name = rest.substr(0, scheme);
    if (name == "ssl" || name == "mqtts" || name == "tls") {
      a.tls = true;
      a.port = 8883;
    } else if (name != "tcp" && name != "mqtt") {
      return Fail(ErrorCode::kInvalidArgument,
                  "unsupported MQTT URL scheme \"" + std::string(name) + "\" (tcp://, mqtt://, ssl://, mqtts://)");
    }
    rest.remove_prefix(scheme + 3);
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view credentials = rest.substr(0, at);
    const size_t colon = credentials.find(':');
    a.username = std::string(credentials.substr(0, colon));
    if (colon != std::string_view::npos) a.password = std::string(credentials.substr(colon + 1));
    rest.remove_prefix(at + 1);
  }
  std::string_view host = rest;
  const size_t colon = rest.rfind(':');
  const size_t bracket = rest.find(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || bracket < colon)) {
    host = rest.substr(0, colon);
    const std::string port(rest.substr(colon + 1));
    char* end = nullptr;
    const long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || p <= 0 || p > 65535)
      return Fail(ErrorCode::kInvalidArgument, "bad port in MQTT URL \"" + std::string(url) + "\"");
    a.port = static_cast<int>(p);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return Fail(ErrorCode::kInvalidArgument, "no host in MQTT URL \"" + std::string(url) + "\"");
  a.host = std::string(host);
  return a;
}

namespace {

Status CheckTopic(std::string_view topic, bool filter) {
  if (auto loaded = Mosquitto(); !loaded) return Fail(ErrorCode::kIo, "MQTT is unavailable: " + loaded.error().message);
  const char* what = filter ? "topic filter" : "topic";
  if (topic.empty()) return Fail(ErrorCode::kInvalidArgument, std::string("empty MQTT ") + what);
  if (topic.size() > 65535 ||
      M().mosquitto_validate_utf8(topic.data(), static_cast<int>(topic.size())) != MOSQ_ERR_SUCCESS)
    return Fail(ErrorCode::kInvalidArgument,
                std::string("MQTT ") + what + " \"" + std::string(topic) + "\" is not UTF-8 of at most 65,535 bytes");
  if ((filter ? M().mosquitto_sub_topic_check2 : M().mosquitto_pub_topic_check2)(topic.data(), topic.size()) !=
      MOSQ_ERR_SUCCESS)
    return Fail(ErrorCode::kInvalidArgument,
                "invalid MQTT " + std::string(what) + " \"" + std::string(topic) + "\"" +
                    (filter ? ": + and # must be whole levels, # the last one" : ": + and # are only for filters"));
  return Status::Ok();
}

}  // namespace

Status CheckMqttTopicFilter(std::string_view filter) {
  return CheckTopic(filter, true);
}
Status CheckMqttTopic(std::string_view topic) {
  return CheckTopic(topic, false);
}

MqttConnection::MqttConnection(MqttConnectOptions options)
    : options_(std::move(options)), state_(std::make_unique<State>()) {}

Result<std::unique_ptr<MqttConnection>> MqttConnection::Connect(MqttConnectOptions options) {
  if (auto loaded = Mosquitto(); !loaded) return Fail(ErrorCode::kIo, "MQTT is unavailable: " + loaded.error().message);
  auto address = ParseMqttUrl(options.url);
  if (!address) return address.take_error();
  if (options.client_id.empty() && !options.clean_session)
    return Fail(ErrorCode::kInvalidArgument, "a persistent MQTT session needs a client id");
  std::unique_ptr<MqttConnection> c(new MqttConnection(std::move(options)));
  const MqttConnectOptions& o = c->options_;
  c->mosq_ = M().mosquitto_new(o.client_id.empty() ? nullptr : o.client_id.c_str(), o.clean_session, c.get());
  if (!c->mosq_)
    return Fail(ErrorCode::kInternal, std::string("cannot create an MQTT client: ") + std::strerror(errno));
  M().mosquitto_int_option(c->mosq_, MOSQ_OPT_PROTOCOL_VERSION, o.mqtt5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  M().mosquitto_int_option(c->mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  if (o.mqtt5) M().mosquitto_int_option(c->mosq_, MOSQ_OPT_RECEIVE_MAXIMUM, o.receive_maximum);
  M().mosquitto_threaded_set(c->mosq_, true);  // RunNetwork's thread, other threads publish
  const std::string& user = o.username.empty() ? address->username : o.username;
  const std::string& password = o.password.empty() ? address->password : o.password;
  if (!user.empty())
    if (int rc = M().mosquitto_username_pw_set(c->mosq_, user.c_str(), password.empty() ? nullptr : password.c_str()))
      return MosquittoFailure("bad MQTT user name or password", rc);
  if (address->tls || !o.ca_file.empty() || !o.cert_file.empty()) {
    for (const std::string* file : {&o.ca_file, &o.cert_file, &o.key_file})
      if (!file->empty() && ::access(file->c_str(), R_OK) != 0)
        return Fail(ErrorCode::kInvalidArgument, "cannot read the TLS file " + *file + ": " + std::strerror(errno));
    const char* ca = o.ca_file.empty() ? nullptr : o.ca_file.c_str();
    if (int rc = M().mosquitto_tls_set(c->mosq_, ca, ca ? nullptr : "/etc/ssl/certs",
                                       o.cert_file.empty() ? nullptr : o.cert_file.c_str(),
                                       o.key_file.empty() ? nullptr : o.key_file.c_str(), nullptr))
      return MosquittoFailure("cannot set up TLS for MQTT", rc);
  }
  M().mosquitto_connect_v5_callback_set(
      c->mosq_, [](struct mosquitto* m, void* self, int rc, int flags, const mosquitto_property* props) {
        OnConnect(m, self, rc, flags, props);
      });
  M().mosquitto_disconnect_v5_callback_set(
      c->mosq_, [](struct mosquitto*, void* self, int rc, const mosquitto_property*) {
        auto* conn = static_cast<MqttConnection*>(self);
        {
          std::lock_guard lock(conn->state_->mu);
          conn->state_->connected = false;
          ++conn->state_->disconnections;
          std::erase_if(conn->state_->pending, [](const auto& p) { return p.second == 0; });
        }
        conn->state_->cv.notify_all();
        if (conn->options_.on_connection)
          conn->options_.on_connection(false, rc == 0 ? "disconnected" : M().mosquitto_strerror(rc));
      });
  M().mosquitto_publish_v5_callback_set(c->mosq_, [](mosquitto*, void* self, int mid, int, const mosquitto_property*) {
    State& state = *static_cast<MqttConnection*>(self)->state_;
    {
      std::lock_guard lock(state.mu);
      if (state.pending.erase(mid) == 0) state.done_early.insert(mid);
    }
    state.cv.notify_all();
  });
  M().mosquitto_subscribe_v5_callback_set(
      c->mosq_, [](struct mosquitto*, void* self, int mid, int count, const int* granted, const mosquitto_property*) {
        auto* conn = static_cast<MqttConnection*>(self);
        {
          std::lock_guard lock(conn->state_->mu);
          conn->state_->subacks[mid] = count > 0 ? granted[0] : 0x80;
        }
        conn->state_->cv.notify_all();
      });
  M().mosquitto_message_v5_callback_set(c->mosq_, [](struct mosquitto*, void* self, const struct mosquitto_message* msg,
                                                     const mosquitto_property* props) {
    auto* conn = static_cast<MqttConnection*>(self);
    if (!conn->options_.on_message) return;
    Message m;
    m.protocol = "mqtt";
    m.subject = msg->topic ? msg->topic : "";
    m.data.assign(static_cast<const char*>(msg->payload), static_cast<size_t>(msg->payloadlen));
    m.qos = msg->qos;
    m.retain = msg->retain;
    char* response = nullptr;
    if (M().mosquitto_property_read_string(props, MQTT_PROP_RESPONSE_TOPIC, &response, false)) m.reply = Take(response);
    void* correlation = nullptr;
    uint16_t correlation_len = 0;
    if (M().mosquitto_property_read_binary(props, MQTT_PROP_CORRELATION_DATA, &correlation, &correlation_len, false)) {
      m.correlation_data.assign(static_cast<const char*>(correlation), correlation_len);
      std::free(correlation);
    }
    bool skip = false;
    for (const mosquitto_property* p = props;;) {
      char *name = nullptr, *value = nullptr;
      p = M().mosquitto_property_read_string_pair(p, MQTT_PROP_USER_PROPERTY, &name, &value, skip);
      if (!p) break;
      m.headers.emplace_back(Take(name), Take(value));
      skip = true;
    }
    conn->options_.on_message(std::move(m));
  });

  Properties connect_props;
  if (o.mqtt5 && !o.clean_session) {  // MQTT 5 ends a session at disconnection unless it says otherwise
    mosquitto_property* p = nullptr;
    M().mosquitto_property_add_int32(&p, MQTT_PROP_SESSION_EXPIRY_INTERVAL, UINT32_MAX);
    connect_props.reset(p);
  }
  const std::string where = address->host + ":" + std::to_string(address->port);
  if (int rc = M().mosquitto_connect_bind_v5(c->mosq_, address->host.c_str(), address->port, o.keepalive_seconds,
                                             nullptr, connect_props.get()))
    return MosquittoFailure("cannot connect to MQTT broker " + where, rc);
  c->network_ = std::thread([conn = c.get()] { conn->RunNetwork(); });
  std::unique_lock lock(c->state_->mu);
  if (!c->state_->cv.wait_for(lock, o.connect_timeout, [&] { return c->state_->connack; }))
    return Fail(ErrorCode::kIo, "the MQTT broker " + where + " did not answer the connection within " +
                                    std::to_string(o.connect_timeout.count()) + " ms");
  if (c->state_->connack_rc != 0)
    return Fail(ErrorCode::kIo, "the MQTT broker " + where + " refused the connection: " +
                                    (o.mqtt5 ? M().mosquitto_reason_string(c->state_->connack_rc)
                                             : M().mosquitto_connack_string(c->state_->connack_rc)));
  lock.unlock();
  return c;
}

void MqttConnection::RunNetwork() {
  int attempts = 0;
  for (;;) {
    if (M().mosquitto_loop(mosq_, 1000, 1) == MOSQ_ERR_SUCCESS) {
      attempts = 0;
      std::lock_guard lock(state_->mu);
      if (state_->stopping) return;
      continue;
    }
    // The connection is down (the disconnect callback said why) or a reconnection failed.
    std::unique_lock lock(state_->mu);
    const auto stopping = [&] { return state_->stopping; };
    if (!options_.reconnect) return state_->cv.wait(lock, stopping);
    ++attempts;
    if (state_->cv.wait_for(lock, std::chrono::seconds(std::min(attempts * attempts, 5)), stopping)) return;
    lock.unlock();
    M().mosquitto_reconnect(mosq_);  // a failure shows in the next mosquitto_loop
  }
}

void MqttConnection::OnConnect(struct mosquitto* m, void* self, int rc, int flags, const void*) {
  auto* conn = static_cast<MqttConnection*>(self);
  std::vector<std::pair<std::string, int>> again;
  {
    std::lock_guard lock(conn->state_->mu);
    conn->state_->connack = true;
    conn->state_->connack_rc = rc;
    conn->state_->connected = rc == 0;
    if (rc == 0 && !(flags & 1)) again = conn->state_->subscriptions;  // the broker kept no session
  }
  conn->state_->cv.notify_all();
  for (const auto& [filter, qos] : again) M().mosquitto_subscribe_v5(m, nullptr, filter.c_str(), qos, 0, nullptr);
  if (conn->options_.on_connection)
    conn->options_.on_connection(rc == 0, rc == 0 ? "connected" : M().mosquitto_reason_string(rc));
}

MqttConnection::~MqttConnection() {
  if (!mosq_) return;
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
  }
  state_->cv.notify_all();
  M().mosquitto_disconnect_v5(mosq_, 0, nullptr);  // wakes mosquitto_loop, which sends it and returns
  if (network_.joinable()) network_.join();
  M().mosquitto_destroy(mosq_);
}

bool MqttConnection::connected() const {
  std::lock_guard lock(state_->mu);
  return state_->connected;
}

bool MqttConnection::WaitForConnection(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, timeout, [&] { return state_->connected; });
}

Status MqttConnection::Subscribe(const std::string& filter, int qos) {
  int mid = 0;
  {
    std::lock_guard lock(state_->mu);
    state_->subscriptions.emplace_back(filter, qos);
  }
  if (int rc = M().mosquitto_subscribe_v5(mosq_, &mid, filter.c_str(), qos, 0, nullptr))
    return MosquittoFailure("cannot subscribe to " + filter, rc);
  std::unique_lock lock(state_->mu);
  if (!state_->cv.wait_for(lock, options_.connect_timeout, [&] { return state_->subacks.count(mid) > 0; }))
    return Fail(ErrorCode::kIo, "the MQTT broker did not acknowledge the subscription to " + filter);
  const int granted = state_->subacks[mid];
  state_->subacks.erase(mid);
  if (granted >= 0x80) return Fail(ErrorCode::kIo, "the MQTT broker refused the subscription to " + filter);
  return Status::Ok();
}

Status MqttConnection::Publish(std::string_view topic, std::string_view data, int qos, bool retain,
                               const MqttPublishProperties& properties) {
  if (qos < 0 || qos > 2) return Fail(ErrorCode::kInvalidArgument, "MQTT QoS must be 0, 1 or 2");
  Properties props;
  if (options_.mqtt5) {
    mosquitto_property* p = nullptr;
    if (!properties.response_topic.empty())
      M().mosquitto_property_add_string(&p, MQTT_PROP_RESPONSE_TOPIC, properties.response_topic.c_str());
    if (!properties.correlation_data.empty())
      M().mosquitto_property_add_binary(
          &p, MQTT_PROP_CORRELATION_DATA, properties.correlation_data.data(),
          static_cast<uint16_t>(std::min<size_t>(properties.correlation_data.size(), 65535)));
    for (const auto& [name, value] : properties.user_properties)
      M().mosquitto_property_add_string_pair(&p, MQTT_PROP_USER_PROPERTY, name.c_str(), value.c_str());
    props.reset(p);
  }
  const std::string t(topic);
  uint64_t disconnections;
  {
    std::lock_guard lock(state_->mu);
    disconnections = state_->disconnections;
  }
  int mid = 0;
  int rc = M().mosquitto_publish_v5(mosq_, &mid, t.c_str(), static_cast<int>(data.size()), data.data(), qos, retain,
                                    props.get());
  if (rc != MOSQ_ERR_SUCCESS) return MosquittoFailure("cannot publish to " + t, rc);
  std::lock_guard lock(state_->mu);
  // Already sent or acknowledged; or a QoS 0 publish the connection dropped before it was sent.
  if (state_->done_early.erase(mid) || (qos == 0 && state_->disconnections != disconnections)) return Status::Ok();
  state_->pending[mid] = qos;
  return Status::Ok();
}

Status MqttConnection::WaitForPublishes(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  if (!state_->cv.wait_for(lock, timeout, [&] { return state_->pending.empty(); }))
    return Fail(ErrorCode::kIo, std::to_string(state_->pending.size()) + " MQTT publishes still unacknowledged after " +
                                    std::to_string(timeout.count()) + " ms");
  return Status::Ok();
}

}  // namespace capsule::host
