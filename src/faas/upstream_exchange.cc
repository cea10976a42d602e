#include "faas/upstream_exchange.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "faas/body_relay.h"
#include "faas/error_response.h"
#include "faas/forward_headers.h"

namespace capsule::faas {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// The errors by which a connection the peer closed shows up on its first use.
bool IsClosedConnection(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

// Frames a response again after its hop-by-hop headers went: Content-Length, or none where there is no body.
void FrameResponse(ProxyResponse& response, bool head) {
  const unsigned status = response.result_int();
  if ((status >= 100 && status < 200) || status == 204 || status == 304) {
    response.body().clear();
    response.erase(bhttp::field::content_length);
  } else if (!head) {  // a reply to HEAD keeps the upstream's Content-Length: the size a GET would have
    response.content_length(response.body().size());
  }
}

// An upstream response relayed to the client as its body arrives; its connection is closed at the end.
class UpstreamResponseStream : public ResponseStream, public std::enable_shared_from_this<UpstreamResponseStream> {
 public:
  UpstreamResponseStream(UpstreamSocket socket, beast::flat_buffer buffer,
                         bhttp::response_parser<bhttp::string_body>&& header, unsigned client_version,
                         std::chrono::milliseconds timeout)
      : client_version_(client_version),
        socket_(std::move(socket)),
        buffer_(std::move(buffer)),
        parser_(std::move(header)),
        timeout_(timeout),
        timer_(socket_.get_executor()) {
    // Relayed, never held: no limit (not boost::none, which Beast 1.74 compares as smaller than any length).
    parser_.body_limit(std::numeric_limits<std::uint64_t>::max());
  }

  void RelayTo(UpstreamSocket& client, bool keep_alive, std::function<void(bool)> done) override {
    client_ = &client;
    done_ = std::move(done);
    auto& res = parser_.get();
    keep_alive_ = keep_alive;
    // Streams() left out HEAD and the bodiless statuses.
    FrameRelayedResponse(res, parser_.chunked(), parser_.content_length().has_value(), /*bodiless=*/false,
                         client_version_, &keep_alive_);
    serializer_.emplace(res);
    Touch();
    bhttp::async_write_header(client, *serializer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Finish(false);
      std::weak_ptr<UpstreamResponseStream> weak = self;
      RelayBody(
          self, self->socket_, self->buffer_, self->parser_, *self->client_, *self->serializer_,
          std::span<char>(self->chunk_, sizeof self->chunk_),
          [weak] {
            if (auto s = weak.lock()) s->Touch();
          },
          [self](beast::error_code ec, bool) { self->Finish(!ec && self->keep_alive_); });
    });
  }

 private:
  void Touch() {
    timer_.expires_after(timeout_);
    timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->finished_) return;
      beast::error_code ignored;
      self->socket_.close(ignored);  // a stalled upstream or client: both ends of the relay stop
      self->client_->close(ignored);
    });
  }

  void Finish(bool reusable) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    beast::error_code ignored;
    socket_.close(ignored);
    auto done = std::move(done_);
    asio::post(client_->get_executor(), [done = std::move(done), reusable] { done(reusable); });
  }

  unsigned client_version_;
  UpstreamSocket socket_;
  beast::flat_buffer buffer_;
  bhttp::response_parser<bhttp::buffer_body> parser_;
  std::chrono::milliseconds timeout_;
  LoopTimer timer_;
  std::optional<bhttp::response_serializer<bhttp::buffer_body>> serializer_;
  UpstreamSocket* client_ = nullptr;
  std::function<void(bool)> done_;
  bool keep_alive_ = false;
  bool finished_ = false;
  char chunk_[64 * 1024];
};

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<HttpProxy::State> state, ProxyRequest request, uint16_t port, unsigned client_version,
           HttpProxy::Callback done)
      : state_(std::move(state)),
        request_(std::move(request)),
        port_(port),
        client_version_(client_version),
        head_(request_.method() == bhttp::verb::head),
        done_(std::move(done)),
        socket_(state_->executor),
        timer_(state_->executor) {}

  void Start() {
    timer_.expires_after(state_->options.timeout);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->finished_) return;
      self->Fail(ProxyFailure::kTimeout, "no complete answer from 127.0.0.1:" + std::to_string(self->port_) +
                                             " within " + std::to_string(self->state_->options.timeout.count()) +
                                             " ms");
    });
    if (port_ == 0) return Fail(ProxyFailure::kUnavailable, "no upstream (port 0)");
    if (auto pooled = state_->pool.Take(port_)) {
      socket_ = std::move(*pooled);
      reused_ = true;
      return Send();
    }
    Connect();
  }

 private:
  void Connect() {
    reused_ = false;
    beast::error_code ignored;
    socket_.close(ignored);
    buffer_.clear();
    ++state_->connections_opened;
    socket_.async_connect(
        tcp::endpoint(asio::ip::address_v4::loopback(), port_), [self = shared_from_this()](beast::error_code ec) {
          if (self->finished_) return;
          if (ec)
            return self->Fail(ProxyFailure::kUnavailable,
                              "connect to 127.0.0.1:" + std::to_string(self->port_) + ": " + ec.message());
          beast::error_code ignored;
          self->socket_.set_option(tcp::no_delay(true), ignored);
          self->Send();
        });
  }

  void Send() {
    bhttp::async_write(socket_, request_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (self->finished_) return;
      if (ec) return self->Broken("send", ec);
      self->Read();
    });
  }

  void Read() {
    parser_.emplace();
    parser_->header_limit(kMaxUpstreamHeader);
    parser_->body_limit(state_->options.max_response_body);
    if (head_) parser_->skip(true);
    // The header first: Boost 1.74's parser, when it reads eagerly (as async_read does) and gets the header and the
    // body in one buffer, forgets the body_limit error that a too large Content-Length raised.
    bhttp::async_read_header(socket_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || self->finished_ || self->parser_->is_done()) return self->OnRead(ec);
      if (self->Streams()) return self->HandOver();
      bhttp::async_read(self->socket_, self->buffer_, *self->parser_,
                        [self](beast::error_code ec, size_t) { self->OnRead(ec); });
    });
  }

  void OnRead(beast::error_code ec) {
    if (finished_) return;
    if (ec == bhttp::error::body_limit)
      return Fail(ProxyFailure::kBadGateway,
                  "upstream body larger than " + std::to_string(state_->options.max_response_body) + " bytes");
    if (ec) return Broken("read", ec);
    ProxyResponse response = parser_->release();
    if (response.result_int() < 200) {  // 1xx: an interim answer, the final one follows on the same connection
      answered_ = true;
      return Read();
    }
    const bool reusable = response.keep_alive() && buffer_.size() == 0;
    RemoveHopByHop(response);
    FrameResponse(response, head_);
    response.version(client_version_);
    if (reusable) state_->pool.Give(port_, std::move(socket_));
    Finish(ProxyResult{std::move(response), ProxyFailure::kNone, "", nullptr});
  }

  // Whether the response whose header was read has a body too large to hold (or of unknown size).
  bool Streams() const {
    const unsigned status = parser_->get().result_int();
    if (head_ || status < 200 || status == 204 || status == 304) return false;
    const auto length = parser_->content_length();
    return !length || *length > kStreamBodiesAbove;
  }

  // Gives the connection, what was read of the body, and the parser to a ResponseStream, as the result.
  void HandOver() {
    ProxyResult result;
    result.response = ProxyResponse{parser_->get().result(), client_version_};
    result.stream = std::make_shared<UpstreamResponseStream>(
        std::move(socket_), std::move(buffer_), std::move(*parser_), client_version_, state_->options.timeout);
    Finish(std::move(result));
  }

  // A connection that failed while sending or reading: a pooled one the upstream closed before answering is replaced
  // once; anything else is the upstream's fault.
  void Broken(const char* step, beast::error_code ec) {
    const bool answered = answered_ || (parser_ && parser_->got_some());
    if (reused_ && !retried_ && !answered && IsClosedConnection(ec)) {
      retried_ = true;
      return Connect();
    }
    // A malformed answer reads as Beast's parse error ("bad field name", "partial message", ...).
    Fail(ProxyFailure::kBadGateway, std::string(step) + " 127.0.0.1:" + std::to_string(port_) + ": " + ec.message());
  }

  void Fail(ProxyFailure failure, std::string detail) {
    bhttp::status status = bhttp::status::bad_gateway;
    std::string_view text = "bad gateway: the function's answer was unusable";
    if (failure == ProxyFailure::kUnavailable) {
      status = bhttp::status::service_unavailable;
      text = "service unavailable: the function is not running";
    } else if (failure == ProxyFailure::kTimeout) {
      status = bhttp::status::gateway_timeout;
      text = "gateway timeout: the function did not answer in time";
    }
    Finish(ProxyResult{TextResponse(status, text, client_version_), failure, std::move(detail), nullptr});
  }

  void Finish(ProxyResult result) {
    finished_ = true;
    timer_.cancel();
    beast::error_code ignored;
    socket_.close(ignored);  // a no-op when the socket went back to the pool
    HttpProxy::Callback done = std::move(done_);
    done(std::move(result));
  }

  std::shared_ptr<HttpProxy::State> state_;
  ProxyRequest request_;
  uint16_t port_;
  unsigned client_version_;
  bool head_;
  HttpProxy::Callback done_;
  UpstreamSocket socket_;
  LoopTimer timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  bool reused_ = false;    // socket_ came from the pool
  bool retried_ = false;   // the one new connection after a closed pooled one was made
  bool answered_ = false;  // some response (a 1xx) came already: sending the request again is not safe
  bool finished_ = false;  // done_ was called; late completions (aborted by the close) do nothing
};

}  // namespace

void StartExchange(std::shared_ptr<HttpProxy::State> state, ProxyRequest request, uint16_t port,
                   unsigned client_version, HttpProxy::Callback done) {
  const Executor executor = state->executor;
  auto exchange =
      std::make_shared<Exchange>(std::move(state), std::move(request), port, client_version, std::move(done));
  asio::post(executor, [exchange] { exchange->Start(); });
}

}  // namespace capsule::faas
