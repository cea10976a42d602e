#include "faas/streamed_call.h"

#include <cstdint>
#include <limits>

#include "faas/body_relay.h"
#include "faas/error_response.h"
#include "faas/forward_headers.h"

namespace capsule::faas {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kChunk = 64 * 1024;

class StreamedCall : public std::enable_shared_from_this<StreamedCall> {
 public:
  StreamedCall(UpstreamSocket& client, beast::flat_buffer& client_buffer,
               std::shared_ptr<StreamingRequestParser> parser, ForwardTarget to, bool keep_alive,
               std::chrono::milliseconds idle_timeout, std::function<void(StreamedCallResult)> done)
      : client_(client),
        client_buffer_(client_buffer),
        request_(std::move(parser)),
        to_(std::move(to)),
        keep_alive_(keep_alive),
        idle_timeout_(idle_timeout),
        done_(std::move(done)),
        upstream_(client.get_executor()),
        timer_(client.get_executor()) {}

  void Start() {
    auto& req = request_->get();
    head_ = req.method() == bhttp::verb::head;
    const bool chunked = request_->chunked();
    RemoveHopByHop(req);  // Transfer-Encoding too: framed again below
    req.erase(bhttp::field::expect);
    AddForwardedHeaders(req, to_.client_address, to_.proto);
    if (chunked) req.chunked(true);
    req.target(to_.target.empty() ? "/" : to_.target);
    req.version(11);
    req.keep_alive(false);  // a connection of its own, closed after the exchange
    Touch();
    const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), to_.port);
    upstream_.async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Fail(ProxyFailure::kUnavailable, "connect: " + ec.message());
      self->request_sr_.emplace(self->request_->get());
      bhttp::async_write_header(self->upstream_, *self->request_sr_, [self](beast::error_code ec, size_t) {
        if (ec) return self->Fail(ProxyFailure::kBadGateway, "write: " + ec.message());
        self->Relay(self->client_, self->client_buffer_, *self->request_, self->upstream_, *self->request_sr_,
                    [self](beast::error_code ec, bool reading) { self->OnRequestSent(ec, reading); });
      });
    });
  }

 private:
  // Restarts the idle timer: each wait on either side may last idle_timeout_.
  void Touch() {
    timer_.expires_after(idle_timeout_);
    timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->finished_) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->upstream_.close(ignored);  // the pending operation ends with operation_aborted
      if (self->response_started_)
        self->client_.close(ignored);
      else
        self->client_.cancel(ignored);  // a client that stopped sending its body: it gets the 504
    });
  }

  // Relays the rest of p's body from in to out (body_relay.h); next(ec, failed_reading) at the end.
  template <class Parser, class Serializer, class Next>
  void Relay(UpstreamSocket& in, beast::flat_buffer& in_buffer, Parser& p, UpstreamSocket& out, Serializer& sr,
             Next next) {
    std::weak_ptr<StreamedCall> weak = weak_from_this();
    RelayBody(
        shared_from_this(), in, in_buffer, p, out, sr, std::span<char>(buf_, kChunk),
        [weak] {
          if (auto self = weak.lock()) self->Touch();
        },
        std::move(next));
  }

  void OnRequestSent(beast::error_code ec, bool reading_client) {
    if (ec && reading_client) {
      if (ec == bhttp::error::body_limit)
        return Reply(413, "request body larger than --max-body", "the client's body is larger than --max-body");
      if (timed_out_) return Fail(ProxyFailure::kTimeout, "the client sent nothing for too long");
      return Finish({0, std::nullopt, false, "client: " + ec.message()});  // the client went away
    }
    if (ec && timed_out_) return Fail(ProxyFailure::kTimeout, "write: " + ec.message());
    if (ec) {
      // The child stopped reading: it may have answered already (413 past its own --max-body, say). That answer is
      // relayed; the rest of the client's body stays unread, so the client's connection closes after it.
      keep_alive_ = false;
      write_error_ = "write: " + ec.message();
    }
    response_.emplace();
    response_->header_limit(kMaxUpstreamHeader);
    // Relayed, never held: no limit (not boost::none, which Beast 1.74 compares as smaller than any length).
    response_->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (head_) response_->skip(true);
    bhttp::async_read_header(upstream_, upstream_buffer_, *response_,
                             [self = shared_from_this()](beast::error_code ec, size_t) { self->OnResponseHeader(ec); });
  }

  void OnResponseHeader(beast::error_code ec) {
    if (ec)
      return Fail(timed_out_ ? ProxyFailure::kTimeout : ProxyFailure::kBadGateway,
                  write_error_.empty() ? "read: " + ec.message() : write_error_);
    Touch();
    auto& res = response_->get();
    const unsigned status = res.result_int();
    const bool bodiless = head_ || (status >= 100 && status < 200) || status == 204 || status == 304;
    FrameRelayedResponse(res, response_->chunked(), response_->content_length().has_value(), bodiless,
                         request_->get().version(), &keep_alive_);
    status_ = status;
    response_started_ = true;
    response_sr_.emplace(res);
    bhttp::async_write_header(client_, *response_sr_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Finish({self->status_, std::nullopt, false, "client: " + ec.message()});
      self->Relay(self->upstream_, self->upstream_buffer_, *self->response_, self->client_, *self->response_sr_,
                  [self](beast::error_code ec, bool) {
                    self->Finish({self->status_, std::nullopt, !ec && self->keep_alive_,
                                  ec ? "relaying the response: " + ec.message() : std::string()});
                  });
    });
  }

  void Reply(unsigned status, std::string_view text, std::string detail) {
    Finish({status, TextResponse(static_cast<bhttp::status>(status), text, request_->get().version()), false,
            std::move(detail)});
  }

  void Fail(ProxyFailure failure, std::string detail) {
    if (response_started_) return Finish({status_, std::nullopt, false, std::move(detail)});
    if (failure == ProxyFailure::kUnavailable)
      return Reply(503, "service unavailable: the function is not running", std::move(detail));
    if (failure == ProxyFailure::kTimeout)
      return Reply(504, "gateway timeout: the function did not answer in time", std::move(detail));
    Reply(502, "bad gateway: the function's answer was unusable", std::move(detail));
  }

  void Finish(StreamedCallResult result) {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    beast::error_code ignored;
    upstream_.close(ignored);
    auto done = std::move(done_);
    asio::post(client_.get_executor(),
               [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  }

  UpstreamSocket& client_;
  beast::flat_buffer& client_buffer_;
  std::shared_ptr<StreamingRequestParser> request_;
  ForwardTarget to_;
  bool keep_alive_;
  std::chrono::milliseconds idle_timeout_;
  std::function<void(StreamedCallResult)> done_;
  UpstreamSocket upstream_;
  LoopTimer timer_;
  beast::flat_buffer upstream_buffer_;
  std::optional<bhttp::request_serializer<bhttp::buffer_body>> request_sr_;
  std::optional<bhttp::response_parser<bhttp::buffer_body>> response_;
  std::optional<bhttp::response_serializer<bhttp::buffer_body>> response_sr_;
  char buf_[kChunk];
  bool head_ = false;
  bool response_started_ = false;  // the response's header went to the client: no other reply can follow
  bool timed_out_ = false;
  bool finished_ = false;
  unsigned status_ = 0;
  std::string write_error_;  // why the request could not be sent whole, when the child answered anyway
};

}  // namespace

void StartStreamedCall(UpstreamSocket& client, beast::flat_buffer& client_buffer,
                       std::shared_ptr<StreamingRequestParser> parser, ForwardTarget to, bool keep_alive,
                       std::chrono::milliseconds idle_timeout, std::function<void(StreamedCallResult)> done) {
  auto call = std::make_shared<StreamedCall>(client, client_buffer, std::move(parser), std::move(to), keep_alive,
                                             idle_timeout, std::move(done));
  asio::post(client.get_executor(), [call] { call->Start(); });
}

}  // namespace capsule::faas
