#include "serve/admin_server.h"

#include <cstdio>
#include <thread>

#include "serve/beast.h"
#include "serve/reload_request.h"

namespace capsule::serve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kIoTimeout = std::chrono::seconds(30);

}  // namespace

struct AdminServer::Impl {
  AdminRoutes routes;
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;

  void Accept();
};

namespace {

// One connection: read a request, answer it, again while the client keeps the connection.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(AdminServer::Impl& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {}

  void Read() {
    request_ = {};
    stream_.expires_after(kIoTimeout);
    bhttp::async_read(stream_, buffer_, request_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->Route();
    });
  }

 private:
  void Route() {
    const std::string_view target = request_.target();
    const std::string_view path = target.substr(0, target.find('?'));
    const auto method = request_.method();
    if (method == bhttp::verb::get && path == "/metrics")
      return Reply(200, server_.routes.metrics(), "text/plain; version=0.0.4; charset=utf-8");
    if (method == bhttp::verb::get && path == "/health") {
      auto [status, body] = server_.routes.health();
      return Reply(status, body, "application/json");
    }
    if (method == bhttp::verb::post && IsReloadPath(path) && server_.routes.reloader) {
      ReloadRequest r =
          ParseReloadRequest(path, request_.body(), request_["CAPSULE_RELOAD_TOKEN"], server_.routes.reload_token);
      if (r.status) return Reply(r.status, r.message + "\n", "text/plain; charset=utf-8");
      server_.routes.reloader->Request(r.source, [self = shared_from_this()](bool ok, std::string message) {
        asio::post(self->stream_.get_executor(), [self, ok, message = std::move(message)] {
          std::fprintf(stderr, "%s: %s\n", self->server_.routes.program.c_str(), message.c_str());
          self->Reply(ok ? 200 : 422, message + "\n", "text/plain; charset=utf-8");
        });
      });
      return;
    }
    Reply(404, "not found: this port serves GET /metrics, GET /health and the reload routes\n",
          "text/plain; charset=utf-8");
  }

  void Reply(int status, std::string body, const char* content_type) {
    reply_ = {};
    reply_.version(request_.version());
    reply_.result(static_cast<unsigned>(status));
    reply_.set(bhttp::field::content_type, content_type);
    reply_.keep_alive(request_.keep_alive());
    reply_.body() = std::move(body);
    reply_.prepare_payload();
    stream_.expires_after(kIoTimeout);
    bhttp::async_write(stream_, reply_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->reply_.keep_alive()) return self->Close();
      self->Read();
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  AdminServer::Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_;
  bhttp::response<bhttp::string_body> reply_;
};

}  // namespace

void AdminServer::Impl::Accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) std::make_shared<Session>(*this, std::move(socket))->Read();
    Accept();
  });
}

Result<std::unique_ptr<AdminServer>> AdminServer::Start(const std::string& host, uint16_t port, AdminRoutes routes) {
  std::unique_ptr<AdminServer> s(new AdminServer());
  s->impl_ = std::make_unique<Impl>();
  Impl& impl = *s->impl_;
  impl.routes = std::move(routes);
  const std::string where = host + ":" + std::to_string(port);
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "bad metrics address " + host + ": " + ec.message());
  tcp::endpoint endpoint(address, port);
  impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot listen on " + where + ": " + ec.message());
  impl.Accept();
  impl.thread = std::thread([&impl] {
    while (!impl.ioc.stopped()) {
      try {
        impl.ioc.run();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: internal error in the metrics endpoint: %s\n", impl.routes.program.c_str(), e.what());
      }
    }
  });
  return s;
}

AdminServer::~AdminServer() {
  if (!impl_) return;
  asio::post(impl_->ioc, [impl = impl_.get()] {
    beast::error_code ec;
    impl->acceptor.close(ec);
    impl->ioc.stop();
  });
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t AdminServer::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

}  // namespace capsule::serve
