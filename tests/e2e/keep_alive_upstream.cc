#include "keep_alive_upstream.h"

#include <optional>
#include <thread>

#include "faas/beast_http.h"

namespace capsule::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

}  // namespace

struct KeepAliveUpstream::Impl {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  std::thread thread;
};

namespace {

// One upstream connection, answering requests in turn as its Mode says.
class UpstreamSession : public std::enable_shared_from_this<UpstreamSession> {
 public:
  UpstreamSession(tcp::socket socket, KeepAliveUpstream::Mode mode, std::atomic<int>& answered)
      : socket_(std::move(socket)), mode_(mode), answered_(answered) {}

  void Read() {
    request_ = {};
    bhttp::async_read(socket_, buffer_, request_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      ++self->requests_;
      if (self->mode_ == KeepAliveUpstream::Mode::kCloseWithoutAnswer ||
          (self->mode_ == KeepAliveUpstream::Mode::kDropSecondRequest && self->requests_ > 1)) {
        self->socket_.close(ec);
        return;
      }
      self->Answer();
    });
  }

 private:
  void Answer() {
    response_ = bhttp::response<bhttp::string_body>(bhttp::status::ok, 11);
    response_.set(bhttp::field::content_type, "text/plain");
    response_.body() = std::string(request_.target());
    response_.prepare_payload();
    ++answered_;  // before the write: a client may read the answer before the write's handler runs here
    bhttp::async_write(socket_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      self->Read();
    });
  }

  tcp::socket socket_;
  KeepAliveUpstream::Mode mode_;
  std::atomic<int>& answered_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_;
  bhttp::response<bhttp::string_body> response_;
  int requests_ = 0;
};

void Accept(tcp::acceptor& acceptor, KeepAliveUpstream::Mode mode, std::atomic<int>& connections,
            std::atomic<int>& answered) {
  acceptor.async_accept(
      [a = &acceptor, mode, c = &connections, n = &answered](beast::error_code ec, tcp::socket socket) {
        if (ec) return;
        ++*c;
        std::make_shared<UpstreamSession>(std::move(socket), mode, *n)->Read();
        Accept(*a, mode, *c, *n);
      });
}

}  // namespace

KeepAliveUpstream::KeepAliveUpstream(Mode mode) : impl_(std::make_unique<Impl>()) {
  Accept(impl_->acceptor, mode, connections_, answered_);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

KeepAliveUpstream::~KeepAliveUpstream() {
  impl_->ioc.stop();
  impl_->thread.join();
}

int KeepAliveUpstream::port() const {
  return impl_->acceptor.local_endpoint().port();
}

}  // namespace capsule::testing
