#include "proxy_front.h"

#include <future>
#include <optional>
#include <thread>

namespace capsule::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Socket = asio::basic_stream_socket<tcp, faas::Executor>;

constexpr std::string_view kPrefix = "/functions/";

}  // namespace

std::string UpstreamTarget(const std::string& target) {
  if (target.compare(0, kPrefix.size(), kPrefix) != 0) return target;
  const size_t end = target.find_first_of("/?", kPrefix.size());
  if (end == std::string::npos) return "/";
  if (target[end] == '?') return "/" + target.substr(end);
  return target.substr(end);
}

struct ProxyFront::Impl {
  Impl(int upstream, faas::ProxyOptions options)
      : upstream_port(static_cast<uint16_t>(upstream)), proxy(ioc.get_executor(), options) {}

  void Accept();

  uint16_t upstream_port;
  asio::io_context ioc{1};
  asio::basic_socket_acceptor<tcp, faas::Executor> acceptor{ioc.get_executor(),
                                                            tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  faas::HttpProxy proxy;
  std::thread thread;
};

namespace {

// One client connection: read a request, forward it, write the answer, again while the client keeps it open.
class FrontSession : public std::enable_shared_from_this<FrontSession> {
 public:
  FrontSession(ProxyFront::Impl& front, Socket socket) : front_(front), socket_(std::move(socket)) {}

  void Read() {
    parser_.emplace();
    parser_->body_limit(8 << 20);
    // The header first, as http_proxy.h asks of a front.
    bhttp::async_read_header(socket_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;  // closed, or not HTTP: the test sees it
      bhttp::async_read(self->socket_, self->buffer_, *self->parser_, [self](beast::error_code ec, size_t) {
        if (ec) return;
        self->Forward(self->parser_->release());
      });
    });
  }

 private:
  void Forward(faas::ProxyRequest request) {
    const bool keep_alive = request.keep_alive();
    faas::ForwardTarget to;
    to.port = front_.upstream_port;
    to.target = UpstreamTarget(std::string(request.target()));
    beast::error_code ec;
    to.client_address = socket_.remote_endpoint(ec).address().to_string();
    front_.proxy.Forward(
        std::move(request), std::move(to), [self = shared_from_this(), keep_alive](faas::ProxyResult result) {
          if (result.stream)
            return result.stream->RelayTo(self->socket_, keep_alive, [self](bool reusable) {
              if (reusable) self->Read();
            });
          self->response_ = std::move(result.response);
          self->response_.keep_alive(keep_alive);
          bhttp::async_write(self->socket_, self->response_, [self, keep_alive](beast::error_code ec, size_t) {
            if (!ec && keep_alive) self->Read();
          });
        });
  }

  ProxyFront::Impl& front_;
  Socket socket_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  faas::ProxyResponse response_;
};

}  // namespace

void ProxyFront::Impl::Accept() {
  acceptor.async_accept([this](beast::error_code ec, Socket socket) {
    if (ec) return;
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<FrontSession>(*this, std::move(socket))->Read();
    Accept();
  });
}

ProxyFront::ProxyFront(int upstream_port, faas::ProxyOptions options)
    : impl_(std::make_unique<Impl>(upstream_port, options)) {
  impl_->Accept();
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

ProxyFront::~ProxyFront() {
  impl_->ioc.stop();
  impl_->thread.join();
}

int ProxyFront::port() const {
  return impl_->acceptor.local_endpoint().port();
}

uint64_t ProxyFront::UpstreamConnectionsOpened() {
  std::promise<uint64_t> opened;
  asio::post(impl_->ioc, [&] { opened.set_value(impl_->proxy.ConnectionsOpened()); });
  return opened.get_future().get();
}

}  // namespace capsule::testing
