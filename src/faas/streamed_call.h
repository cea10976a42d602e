// A call whose request body is too large to hold (or chunked, of unknown size): the FaaS front relays it to a new
// connection to the child as it arrives, then relays the child's response back the same way, each through one
// 64 KiB buffer, so that the front never holds a whole body and a slow side slows the other down (flow control by
// the sockets). Small request bodies are read whole (HttpProxy, with pooled connections; a large response to them is
// streamed by its ResponseStream).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "faas/beast_http.h"
#include "faas/http_proxy.h"

namespace capsule::faas {

// The client's request while its body is streamed: a parser whose header has been read.
using StreamingRequestParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

// How a streamed call ended.
struct StreamedCallResult {
  // The status the client got (the child's), or of `reply` when set.
  unsigned status = 0;
  // A reply for the client when nothing of the child's response was sent yet (502, 503, 504, 413); the client
  // connection must be closed after it (its request body may be unread).
  std::optional<ProxyResponse> reply;
  // Whether the client connection can read its next request (the exchange completed on both sides).
  bool client_reusable = false;
  std::string detail;  // what failed, for logs
};

// Relays the request of parser (header read, body not) from client to 127.0.0.1:to.port as to.target (hop-by-hop
// headers removed, X-Forwarded-* set, Connection: close upstream), then the response back to client, kept alive
// when keep_alive. idle_timeout bounds each wait for either side (then 504, or a closed connection once the response
// began). client, client_buffer and parser must stay valid until done runs (on client's executor, never from inside
// this call). The client's "Expect: 100-continue" must have been answered already.
void StartStreamedCall(UpstreamSocket& client, boost::beast::flat_buffer& client_buffer,
                       std::shared_ptr<StreamingRequestParser> parser, ForwardTarget to, bool keep_alive,
                       std::chrono::milliseconds idle_timeout, std::function<void(StreamedCallResult)> done);

}  // namespace capsule::faas
