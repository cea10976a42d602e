// The FaaS front's way to a function revision served by capsule-nats workers: an HTTP request goes out as an HTTP
// request envelope (serve/http_envelope.h) on the revision's subject, as a NATS request whose reply comes to this
// front's own inbox; the reply envelope becomes the client's response.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "capsule/result.h"
#include "faas/beast_http.h"
#include "faas/http_proxy.h"
#include "host/nats_client.h"

namespace capsule::faas {

// Forwards requests over one NATS connection. Forward and the destructor run on the executor's (single) thread;
// replies arrive on cnats' thread and are handed to that loop.
class NatsForwarder {
 public:
  // Called once per Forward, on the executor, never from inside Forward.
  using Callback = HttpProxy::Callback;

  // Connects to NATS (reconnecting forever once connected) and subscribes to this front's reply inbox. timeout: how
  // long a call may wait for its reply (then 504). Errors: the connection's (kIo, kInvalidArgument), named.
  static Result<std::unique_ptr<NatsForwarder>> Connect(Executor executor, host::NatsConnectOptions options,
                                                        std::chrono::milliseconds timeout);
  ~NatsForwarder();
  NatsForwarder(const NatsForwarder&) = delete;
  NatsForwarder& operator=(const NatsForwarder&) = delete;

  // Sends request (hop-by-hop headers removed, X-Forwarded-* set from to) to subject as an envelope for to.target,
  // and calls done with the worker's reply, or with 503 (no worker subscribed: NATS' "no responders", known at once;
  // or the connection is down), 504 (no reply within the timeout: a worker that died mid-call), 502 (a reply that is
  // not an envelope), 413 (larger than the server's max_payload). to.port is not used.
  void Forward(ProxyRequest request, const std::string& subject, const ForwardTarget& to, Callback done);

  // Whether the NATS connection is up now.
  bool connected();
  // Calls waiting for their reply now.
  size_t InFlight() const;

  struct State;

 private:
  NatsForwarder() = default;
  std::shared_ptr<State> state_;
  std::unique_ptr<host::NatsSubscription> inbox_;
};

}  // namespace capsule::faas
