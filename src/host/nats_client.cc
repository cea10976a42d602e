#include "host/nats_client.h"

#include "host/nats_api.h"

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace capsule::host {
namespace {

struct OptionsDeleter {
  void operator()(natsOptions* o) const { (*Nats())->natsOptions_Destroy(o); }
};

ErrorCode CodeOf(natsStatus s) {
  switch (s) {
    case NATS_TIMEOUT:
    case NATS_NO_SERVER:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NO_RESPONDERS:
    case NATS_STALE_CONNECTION:
    case NATS_IO_ERROR: return ErrorCode::kIo;
    default: return ErrorCode::kInvalidArgument;
  }
}

Error NatsFailure(const std::string& what, natsStatus s) {
  return Fail(CodeOf(s), what + ": " + NatsError(s));
}

}  // namespace

// What cnats' callbacks reach: a copy of the options' callbacks. Owned by cnats from Connect on: its closed
// callback, the last one a connection gets, deletes it.
struct NatsConnection::Callbacks {
  std::function<void()> on_disconnected, on_reconnected;
  std::function<void(const std::string&)> on_error;
};

std::string NatsError(natsStatus status) {
  auto loaded = Nats();
  if (!loaded) return "NATS status " + std::to_string(static_cast<int>(status));
  const NatsApi& api = **loaded;
  std::string text = api.natsStatus_GetText(status);
  natsStatus last = NATS_OK;
  const char* detail = api.nats_GetLastError(&last);
  if (detail && *detail && last == status && text.find(detail) == std::string::npos)
    text += std::string(" (") + detail + ")";
  return text;
}

MessageHeaders NatsHeaders(natsMsg* msg) {
  MessageHeaders headers;
  const NatsApi& api = **Nats();  // a message exists: cnats is loaded
  const char** keys = nullptr;
  int key_count = 0;
  if (api.natsMsgHeader_Keys(msg, &keys, &key_count) != NATS_OK) return headers;
  for (int k = 0; k < key_count; ++k) {
    const char** values = nullptr;
    int value_count = 0;
    if (api.natsMsgHeader_Values(msg, keys[k], &values, &value_count) != NATS_OK) continue;
    for (int v = 0; v < value_count; ++v) headers.emplace_back(keys[k], values[v] ? values[v] : "");
    std::free(static_cast<void*>(values));
  }
  std::free(static_cast<void*>(keys));
  return headers;
}

Result<NatsMsgPtr> MakeNatsMsg(std::string_view subject, std::string_view reply, std::string_view data,
                               const MessageHeaders& headers) {
  auto loaded = Nats();
  if (!loaded) return Fail(ErrorCode::kIo, "NATS is unavailable: " + loaded.error().message);
  const NatsApi& api = **loaded;
  natsMsg* raw = nullptr;
  const std::string subj(subject), rep(reply);
  natsStatus s = api.natsMsg_Create(&raw, subj.c_str(), rep.empty() ? nullptr : rep.c_str(), data.data(),
                                    static_cast<int>(data.size()));
  if (s != NATS_OK) return NatsFailure("cannot make a message for " + subj, s);
  NatsMsgPtr msg(raw);
  for (const auto& [name, value] : headers)
    if ((s = api.natsMsgHeader_Add(msg.get(), name.c_str(), value.c_str())) != NATS_OK)
      return NatsFailure("bad header " + name, s);
  return msg;
}

Result<std::unique_ptr<NatsConnection>> NatsConnection::Connect(NatsConnectOptions options) {
  auto loaded = Nats();
  if (!loaded) return Fail(ErrorCode::kIo, "NATS is unavailable: " + loaded.error().message);
  const NatsApi& api = **loaded;
  natsOptions* raw_options = nullptr;
  if (api.natsOptions_Create(&raw_options) != NATS_OK) return Fail(ErrorCode::kInternal, "cannot create NATS options");
  std::unique_ptr<natsOptions, OptionsDeleter> opts(raw_options);
  natsStatus s = api.natsOptions_SetServers(opts.get(), nullptr, 0);
  {
    // "a,b" -> {"a", "b"}
    std::vector<std::string> urls;
    for (size_t start = 0; start <= options.url.size();) {
      size_t comma = options.url.find(',', start);
      if (comma == std::string::npos) comma = options.url.size();
      if (comma > start) urls.push_back(options.url.substr(start, comma - start));
      start = comma + 1;
    }
    std::vector<const char*> pointers;
    for (const auto& u : urls) pointers.push_back(u.c_str());
    if (pointers.empty()) return Fail(ErrorCode::kInvalidArgument, "no NATS server URL given");
    s = api.natsOptions_SetServers(opts.get(), pointers.data(), static_cast<int>(pointers.size()));
    if (s != NATS_OK) return NatsFailure("bad NATS server URL \"" + options.url + "\"", s);
  }
  auto check = [&](natsStatus st, const std::string& what) -> Status {
    if (st != NATS_OK) return NatsFailure(what, st);
    return Status::Ok();
  };
  CAPSULE_RETURN_IF_ERROR(check(api.natsOptions_SetName(opts.get(), options.name.c_str()), "bad connection name"));
  CAPSULE_RETURN_IF_ERROR(
      check(api.natsOptions_SetTimeout(opts.get(), options.connect_timeout.count()), "bad timeout"));
  if (!options.creds_file.empty())
    CAPSULE_RETURN_IF_ERROR(
        check(api.natsOptions_SetUserCredentialsFromFiles(opts.get(), options.creds_file.c_str(), nullptr),
              "cannot use the credentials file " + options.creds_file));
  if (!options.token.empty())
    CAPSULE_RETURN_IF_ERROR(check(api.natsOptions_SetToken(opts.get(), options.token.c_str()), "bad token"));
  if (options.tls || !options.ca_file.empty() || !options.cert_file.empty()) {
    CAPSULE_RETURN_IF_ERROR(check(api.natsOptions_SetSecure(opts.get(), true), "TLS is not available"));
    if (!options.ca_file.empty())
      CAPSULE_RETURN_IF_ERROR(check(api.natsOptions_LoadCATrustedCertificates(opts.get(), options.ca_file.c_str()),
                                    "cannot load the CA file " + options.ca_file));
    if (!options.cert_file.empty() || !options.key_file.empty())
      CAPSULE_RETURN_IF_ERROR(
          check(api.natsOptions_LoadCertificatesChain(opts.get(), options.cert_file.c_str(), options.key_file.c_str()),
                "cannot load the client certificate " + options.cert_file));
  }
  CAPSULE_RETURN_IF_ERROR(
      check(api.natsOptions_SetAllowReconnect(opts.get(), options.reconnect), "bad reconnect option"));
  CAPSULE_RETURN_IF_ERROR(check(api.natsOptions_SetMaxReconnect(opts.get(), -1), "bad reconnect option"));
  CAPSULE_RETURN_IF_ERROR(
      check(api.natsOptions_SetReconnectWait(opts.get(), options.reconnect_wait.count()), "bad reconnect option"));
  // Messages published while disconnected wait in a buffer and go out on reconnect (8 MiB of them).
  CAPSULE_RETURN_IF_ERROR(check(api.natsOptions_SetReconnectBufSize(opts.get(), 8 << 20), "bad reconnect option"));

  auto* callbacks =
      new Callbacks{std::move(options.on_disconnected), std::move(options.on_reconnected), std::move(options.on_error)};
  api.natsOptions_SetDisconnectedCB(
      opts.get(),
      [](natsConnection*, void* c) {
        if (auto& f = static_cast<Callbacks*>(c)->on_disconnected) f();
      },
      callbacks);
  api.natsOptions_SetReconnectedCB(
      opts.get(),
      [](natsConnection*, void* c) {
        if (auto& f = static_cast<Callbacks*>(c)->on_reconnected) f();
      },
      callbacks);
  api.natsOptions_SetErrorHandler(
      opts.get(),
      [](natsConnection*, natsSubscription*, natsStatus err, void* c) {
        if (auto& f = static_cast<Callbacks*>(c)->on_error) f((*Nats())->natsStatus_GetText(err));
      },
      callbacks);
  api.natsOptions_SetClosedCB(
      opts.get(), [](natsConnection*, void* c) { delete static_cast<Callbacks*>(c); }, callbacks);

  natsConnection* conn = nullptr;
  s = api.natsConnection_Connect(&conn, opts.get());
  if (s != NATS_OK) {
    delete callbacks;  // no connection: no callback will come
    return NatsFailure("cannot connect to NATS at " + options.url, s);
  }
  std::unique_ptr<NatsConnection> c(new NatsConnection());
  c->api_ = &api;
  c->conn_ = conn;
  c->callbacks_ = callbacks;
  return c;
}

NatsConnection::~NatsConnection() {
  if (!conn_) return;
  api_->natsConnection_Close(conn_);  // runs the closed callback, which frees callbacks_
  api_->natsConnection_Destroy(conn_);
}

Status NatsConnection::Publish(std::string_view subject, std::string_view data, const MessageHeaders& headers,
                               std::string_view reply) {
  auto msg = MakeNatsMsg(subject, reply, data, headers);
  if (!msg) return msg.take_error();
  natsStatus s = api_->natsConnection_PublishMsg(conn_, msg->get());
  if (s != NATS_OK) return NatsFailure("cannot publish to " + std::string(subject), s);
  return Status::Ok();
}

Result<NatsMsgPtr> NatsConnection::Request(std::string_view subject, std::string_view data,
                                           std::chrono::milliseconds timeout, const MessageHeaders& headers) {
  auto msg = MakeNatsMsg(subject, {}, data, headers);
  if (!msg) return msg.take_error();
  natsMsg* reply = nullptr;
  natsStatus s = api_->natsConnection_RequestMsg(&reply, conn_, msg->get(), timeout.count());
  if (s == NATS_NO_RESPONDERS) return Fail(ErrorCode::kIo, "no responders on " + std::string(subject));
  if (s != NATS_OK) return NatsFailure("request to " + std::string(subject) + " failed", s);
  return NatsMsgPtr(reply);
}

Status NatsConnection::Flush(std::chrono::milliseconds timeout) {
  natsStatus s = api_->natsConnection_FlushTimeout(conn_, timeout.count());
  if (s != NATS_OK) return NatsFailure("flush failed", s);
  return Status::Ok();
}

Status NatsConnection::Drain(std::chrono::milliseconds timeout) {
  natsStatus s = api_->natsConnection_DrainTimeout(conn_, timeout.count());
  if (s != NATS_OK) return NatsFailure("drain failed", s);
  return Status::Ok();
}

std::string NatsConnection::connected_url() {
  char buffer[512] = {0};
  if (api_->natsConnection_GetConnectedUrl(conn_, buffer, sizeof buffer) != NATS_OK) return "";
  return buffer;
}

// What a subscription's cnats callbacks reach: the user's callback, and whether cnats is done calling it.
struct NatsSubscription::Closure {
  std::function<void(NatsMsgPtr)> on_message;
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
};

Result<std::unique_ptr<NatsSubscription>> NatsConnection::Subscribe(std::string_view subject,
                                                                    std::function<void(NatsMsgPtr)> on_message) {
  auto closure = std::make_shared<NatsSubscription::Closure>();
  closure->on_message = std::move(on_message);
  std::unique_ptr<NatsSubscription> sub(new NatsSubscription());
  sub->api_ = api_;
  sub->closure_ = closure;
  const std::string subj(subject);
  natsStatus s = api_->natsConnection_Subscribe(
      &sub->sub_, conn_, subj.c_str(),
      [](natsConnection*, natsSubscription*, natsMsg* msg, void* c) {
        static_cast<NatsSubscription::Closure*>(c)->on_message(NatsMsgPtr(msg));
      },
      closure.get());
  if (s != NATS_OK) return NatsFailure("cannot subscribe to " + subj, s);
  api_->natsSubscription_SetOnCompleteCB(
      sub->sub_,
      [](void* c) {
        auto* closure = static_cast<NatsSubscription::Closure*>(c);
        std::lock_guard lock(closure->mutex);
        closure->done = true;
        closure->done_cv.notify_all();
      },
      closure.get());
  api_->natsSubscription_SetPendingLimits(sub->sub_, 1 << 20, 256 << 20);
  return sub;
}

NatsSubscription::~NatsSubscription() {
  if (!sub_) return;
  // On a connection closed already, cnats completed the subscription (or never will): do not wait long.
  const bool unsubscribed = api_->natsSubscription_Unsubscribe(sub_) == NATS_OK;
  bool done = false;
  {
    std::unique_lock lock(closure_->mutex);
    done = closure_->done_cv.wait_for(lock, unsubscribed ? std::chrono::seconds(10) : std::chrono::milliseconds(200),
                                      [this] { return closure_->done; });
  }
  if (!done) new std::shared_ptr<Closure>(closure_);  // cnats may still call it: leaked rather than freed
  api_->natsSubscription_Destroy(sub_);
}

bool NatsConnection::connected() {
  return api_->natsConnection_Status(conn_) == NATS_CONN_STATUS_CONNECTED;
}

int64_t NatsConnection::max_payload() {
  return api_->natsConnection_GetMaxPayload(conn_);
}

void NatsMsgDeleter::operator()(natsMsg* msg) const {
  (*Nats())->natsMsg_Destroy(msg);  // a message exists: cnats is loaded
}

std::string_view NatsPayload(natsMsg* msg) {
  const NatsApi& api = **Nats();
  const char* data = api.natsMsg_GetData(msg);
  return data ? std::string_view(data, static_cast<size_t>(api.natsMsg_GetDataLength(msg))) : std::string_view();
}

std::string_view NatsSubject(natsMsg* msg) {
  const char* subject = (*Nats())->natsMsg_GetSubject(msg);  // a message exists: cnats is loaded
  return subject ? std::string_view(subject) : std::string_view();
}

bool NatsIsNoResponders(natsMsg* msg) {
  return (*Nats())->natsMsg_IsNoResponders(msg);
}

}  // namespace capsule::host
