// capsule-nats' broker side: one NATS connection; per worker, a queue subscription of core NATS (the workers of a
// process, and every process of the same --queue, share the messages) or a pull subscription of one JetStream
// durable consumer (at-least-once: ack on S, nak with backoff otherwise, a dead letter after --max-deliver).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "host/nats_client.h"
#include "runners/messaging/message_runner.h"

namespace capsule::nats {

// What capsule-nats subscribes to and how.
struct NatsSourceOptions {
  host::NatsConnectOptions connect;
  std::string server;  // --natssrv as given (hostNatsGetServer)
  std::string subject;
  std::string queue;  // empty: a queue group private to this process (each process gets every message)
  // The messages are HTTP request envelopes (serve/http_envelope.h) from a FaaS front: each is answered with the
  // module's HTTP handler, the reply an HTTP reply envelope. Core NATS only.
  bool http = false;
  // JetStream, when stream is set.
  std::string stream, durable;
  bool create_stream = false;  // create the stream (capturing subject) when it does not exist
  int64_t max_deliver = 5;
  std::chrono::milliseconds ack_wait{30000};
  std::chrono::milliseconds nak_delay{1000};  // the first nak's delay, doubled at each delivery
  std::chrono::milliseconds nak_delay_max{60000};
  std::string dead_letter;  // empty: capsule.deadletter.<stream>
  int fetch_batch = 8;
};

// Connects; the source then subscribes and serves (runners::MessageSource). Errors: the connection's (named).
Result<std::unique_ptr<runners::MessageSource>> ConnectNats(NatsSourceOptions options, serve::MessageMetrics& metrics);

}  // namespace capsule::nats
