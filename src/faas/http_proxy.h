// The FaaS front's reverse proxy: forwards one HTTP request to a capsule-http child on 127.0.0.1:port and hands
// back the child's response, or a 502/503/504 reply when it cannot get one.
//
// Messages are whole strings (string_body): the front reads a small request's body (bounded by its own parser's
// body_limit; read its header with async_read_header first: Boost 1.74's eager async_read loses the body_limit error
// when header and body come in one buffer) before calling Forward, and the upstream's body is read whole when it is
// at most kStreamBodiesAbove (and ProxyOptions::max_response_body); a larger or chunked one is handed back as a
// ResponseStream. Requests with larger or chunked bodies are streamed by the front instead (streamed_call.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "faas/beast_http.h"

namespace capsule::faas {

// Limits and timeouts of one proxy.
struct ProxyOptions {
  // --proxy-timeout: how long one exchange may take, from connecting (or taking a pooled connection) to the last
  // byte of the response; past it the client gets 504.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  // A longer upstream body that would be held gives 502 (bodies above kStreamBodiesAbove are streamed, not held).
  size_t max_response_body = size_t{64} << 20;
  // Idle keep-alive connections kept per upstream port, and for how long one may stay idle before it is not reused.
  size_t max_idle_per_upstream = 16;
  std::chrono::milliseconds max_idle_time{std::chrono::seconds(30)};
};

// Where one request goes and what the upstream learns of its client.
struct ForwardTarget {
  uint16_t port = 0;           // the upstream listens on 127.0.0.1:port
  std::string target;          // request-target to send upstream: path and query ("/sub/path?x=1"); "/" when empty
  std::string client_address;  // the client's address, appended to X-Forwarded-For ("" adds nothing)
  std::string proto = "http";  // X-Forwarded-Proto: "http" or "https", as the client reached the front
};

// Why there is no upstream response; each has the status of the reply given instead.
enum class ProxyFailure {
  kNone,         // the response is the upstream's
  kUnavailable,  // 503: no upstream (nothing listens on the port, port 0, the connection was refused)
  kTimeout,      // 504: no complete answer within ProxyOptions::timeout
  kBadGateway,   // 502: the upstream closed or reset the connection, answered malformed HTTP or too large a body
};

// Bodies larger than this (or chunked ones, of unknown size) are streamed, never held: a request's by the front
// (streamed_call.h), an upstream response's by the proxy (ProxyResult::stream).
inline constexpr uint64_t kStreamBodiesAbove = uint64_t{1} << 20;

// The rest of an upstream response whose body is too large to hold (ProxyResult::stream).
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Writes the response (status and headers, hop-by-hop ones removed, framed for the client: chunked when its
  // length is unknown, or the connection's end for an HTTP/1.0 client) to client and relays its body as it arrives,
  // each wait bounded by ProxyOptions::timeout; done(reusable) at the end, on client's executor: whether client
  // can read its next request (everything went out and keep_alive). client must live until then.
  virtual void RelayTo(UpstreamSocket& client, bool keep_alive, std::function<void(bool reusable)> done) = 0;
};

// The outcome of one Forward: always a response the front can send.
struct ProxyResult {
  // The upstream's (hop-by-hop headers removed, framed by Content-Length) or the error reply; in the request's HTTP
  // version and with no Connection header: the front sets keep_alive() for its own client.
  ProxyResponse response;
  ProxyFailure failure = ProxyFailure::kNone;
  std::string detail;  // for logs: what failed ("connect: Connection refused"); empty on success
  // Set when the upstream's body is streamed (larger than kStreamBodiesAbove, or chunked): response then holds only
  // its status; send the response with stream->RelayTo instead.
  std::shared_ptr<ResponseStream> stream;
};

// Forwards requests over pooled keep-alive connections. Single-threaded: create one per event loop (per worker
// thread), and call it, and destroy it, only on that loop's thread; its callbacks run there too. Nothing throws.
class HttpProxy {
 public:
  // Called once per Forward, on the proxy's executor, never from inside Forward itself.
  using Callback = std::function<void(ProxyResult)>;

  // A proxy whose connections and timers live on executor's io_context.
  HttpProxy(Executor executor, ProxyOptions options);
  ~HttpProxy();
  HttpProxy(const HttpProxy&) = delete;
  HttpProxy& operator=(const HttpProxy&) = delete;

  // Sends request upstream with its method, headers (hop-by-hop ones removed, X-Forwarded-For/-Host/-Proto set,
  // Expect dropped: the front has read the body already) and body, to to.target over HTTP/1.1 on a pooled or new
  // connection, and calls done with the upstream's response. A pooled connection that turns out closed before any
  // response byte is replaced by a new one, once (the request is sent again, whatever its method: the upstream
  // closed without reading it). Exchanges in flight when the proxy is destroyed still complete.
  void Forward(ProxyRequest request, ForwardTarget to, Callback done);

  // Idle pooled connections to port now.
  size_t IdleConnections(uint16_t port) const;
  // Connections opened to upstreams so far (for metrics and tests).
  uint64_t ConnectionsOpened() const;

  // Its loop, options and pool (proxy_state.h), shared with the exchanges in flight.
  struct State;

 private:
  std::shared_ptr<State> state_;  // shared with the exchanges in flight
};

}  // namespace capsule::faas
