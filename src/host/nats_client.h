// A NATS connection (Debian's cnats 3.4, loaded on first use: host/nats_api.h) for the host functions and
// capsule-nats: connect with credentials and TLS, reconnect forever once connected, publish and request with NATS 2.2
// headers. Thread-safe, as cnats is.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nats/nats.h>

#include "capsule/message_abi.h"
#include "capsule/result.h"

namespace capsule::host {

struct NatsApi;

// How to reach a NATS server.
struct NatsConnectOptions {
  // nats://[user:password@ | token@]host:port, several separated by ','; tls://host:port asks for TLS.
  std::string url = "nats://127.0.0.1:4222";
  std::string creds_file;           // a .creds file (user JWT and NKey seed)
  std::string token;                // an authentication token
  std::string ca_file;              // PEM file of trusted CAs; setting it turns TLS on
  std::string cert_file, key_file;  // a TLS client certificate and its key
  bool tls = false;                 // require TLS even without ca_file (the system's trusted CAs)
  std::string name = "capsule";     // the connection's name, as the server lists it
  std::chrono::milliseconds connect_timeout{2000};
  // After the first connection succeeded: reconnect forever, this long between attempts. false: give up at once.
  bool reconnect = true;
  std::chrono::milliseconds reconnect_wait{250};
  // Called from cnats' threads when the connection drops, comes back (resubscribed), or reports an asynchronous
  // error (a slow consumer, a permission violation). Must not block.
  std::function<void()> on_disconnected, on_reconnected;
  std::function<void(const std::string& error)> on_error;
};

// Owns a natsMsg.
struct NatsMsgDeleter {
  void operator()(natsMsg* msg) const;
};
using NatsMsgPtr = std::unique_ptr<natsMsg, NatsMsgDeleter>;

// The text of a cnats status, with the library's last error detail when it has one.
std::string NatsError(natsStatus status);

// The payload of msg.
std::string_view NatsPayload(natsMsg* msg);

// The subject msg was sent to.
std::string_view NatsSubject(natsMsg* msg);

// Whether msg is the server's "no responders" status: a request nobody was subscribed to receive.
bool NatsIsNoResponders(natsMsg* msg);

// The headers of msg, in the order cnats keeps them.
MessageHeaders NatsHeaders(natsMsg* msg);

// A message to publish: subject, payload, optional reply subject and headers.
Result<NatsMsgPtr> MakeNatsMsg(std::string_view subject, std::string_view reply, std::string_view data,
                               const MessageHeaders& headers);

// An asynchronous subscription (NatsConnection::Subscribe). Destroying it unsubscribes and waits until no callback
// runs any more: never destroy it from inside its own callback.
class NatsSubscription {
 public:
  ~NatsSubscription();
  NatsSubscription(const NatsSubscription&) = delete;
  NatsSubscription& operator=(const NatsSubscription&) = delete;

  struct Closure;

 private:
  friend class NatsConnection;
  NatsSubscription() = default;
  const NatsApi* api_ = nullptr;
  natsSubscription* sub_ = nullptr;
  std::shared_ptr<Closure> closure_;
};

// One connection to a NATS server (or cluster).
class NatsConnection {
 public:
  // Connects. Errors: kInvalidArgument for a malformed option (a missing creds file, ...), kIo when no server could
  // be reached, each with cnats' reason.
  static Result<std::unique_ptr<NatsConnection>> Connect(NatsConnectOptions options);
  ~NatsConnection();
  NatsConnection(const NatsConnection&) = delete;
  NatsConnection& operator=(const NatsConnection&) = delete;

  // The cnats connection, for subscriptions and JetStream.
  natsConnection* raw() { return conn_; }

  // Publishes data to subject (with reply as its reply subject and headers when given). Errors: kIo when the
  // connection is closed; kInvalidArgument for a bad subject or headers the server does not support.
  Status Publish(std::string_view subject, std::string_view data, const MessageHeaders& headers = {},
                 std::string_view reply = {});
  // Sends a request and waits for its reply. Errors (kIo): "no responders on <subject>" when nobody listens there,
  // a timeout, or a publish error.
  Result<NatsMsgPtr> Request(std::string_view subject, std::string_view data, std::chrono::milliseconds timeout,
                             const MessageHeaders& headers = {});
  // Subscribes to subject (wildcards allowed): on_message gets every message, one at a time, on a thread of cnats'.
  // It must not block for long (hand the message to your own loop). Errors: kInvalidArgument for a bad subject,
  // kIo when the connection is closed.
  Result<std::unique_ptr<NatsSubscription>> Subscribe(std::string_view subject,
                                                      std::function<void(NatsMsgPtr)> on_message);
  // Whether the connection is up now (not reconnecting, not closed).
  bool connected();
  // The largest payload the server accepts (its max_payload; the headers count too).
  int64_t max_payload();
  // Waits until everything published so far reached the server. kIo after timeout.
  Status Flush(std::chrono::milliseconds timeout);
  // Drains: unsubscribes every subscription, lets the messages already received be handled, then closes. Waits at
  // most timeout.
  Status Drain(std::chrono::milliseconds timeout);
  // The URL of the server it is connected to now, or "" while disconnected.
  std::string connected_url();

 private:
  struct Callbacks;
  NatsConnection() = default;
  const NatsApi* api_ = nullptr;  // cnats, loaded by Connect
  natsConnection* conn_ = nullptr;
  Callbacks* callbacks_ = nullptr;  // freed by cnats' closed callback, the last one it makes
};

}  // namespace capsule::host
