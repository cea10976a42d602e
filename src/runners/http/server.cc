#include "runners/http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

namespace capsule::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
// The concrete executor type instead of any_io_executor: no type erasure on every I/O operation.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
// Plain sockets, not beast::basic_stream: its per-operation timers cost a timer update (often a syscall) per read
// and write. Each Session has one watchdog timer instead, re-armed only when it fires (see Session::Watch).
using PlainStream = Socket;
using TlsStream = asio::ssl::stream<Socket>;

// A connection that neither sends a request nor takes a reply for this long is closed.
constexpr auto kIoTimeout = std::chrono::seconds(60);
constexpr auto kDrainLimit = std::chrono::seconds(30);

HttpReply Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8") {
  HttpReply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

// A header name the guest may set: an HTTP token (RFC 9110), so that no reply can be split or broken.
bool ValidHeaderName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c))) return false;
  return true;
}

// A header value without line breaks or NUL.
bool ValidHeaderValue(std::string_view s) {
  for (char c : s)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const ModuleStore& s, WorkerPool& p, Reloader& r, Metrics& m)
      : options(std::move(o)), store(s), pool(p), reloader(r), metrics(m) {}

  void Accept();
  void Shutdown(std::string reason);
  void WatchIdle();
  template <class Stream>
  void Launch(Socket socket);

  ServerOptions options;
  const ModuleStore& store;
  WorkerPool& pool;
  Reloader& reloader;
  Metrics& metrics;
  asio::io_context ioc{1};
  Acceptor acceptor{ioc.get_executor()};
  std::optional<asio::ssl::context> ssl;
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  asio::steady_timer idle_timer{ioc};
  asio::steady_timer drain_timer{ioc};
  Clock::time_point last_activity = Clock::now();
  bool draining = false;
  std::string stop_reason;
};

namespace {

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Server::Impl& server, Stream stream)
      : server_(server), stream_(std::move(stream)), watchdog_(Raw().get_executor()) {}

  void Start() {
    Expect(kIoTimeout);
    Watch();
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      stream_.async_handshake(asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->Close();
        self->Read();
      });
    } else {
      Read();
    }
  }

 private:
  void Read() {
    if (server_.draining) return Close();
    parser_.emplace();
    parser_->body_limit(server_.options.max_body);
    Expect(kIoTimeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  // After the header: the body is read next, after a `100 Continue` when the client waits for one (curl does for
  // bodies over 1 KiB).
  void OnHeader(beast::error_code ec) {
    if (ec || parser_->is_done()) return OnRead(ec);
    auto read_body = [self = this->shared_from_this()] {
      bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                        [self](beast::error_code ec, size_t) { self->OnRead(ec); });
    };
    if (!beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) return read_body();
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = this->shared_from_this(), read_body](beast::error_code ec, size_t) {
                        if (ec) return self->Close();
                        read_body();
                      });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::body_limit)
      return Fail(413,
                  "request body larger than --max-body (" + std::to_string(server_.options.max_body) + " bytes)\n");
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return Close();
    if (ec && IsHttpParseError(ec) && parser_->got_some())
      return Fail(400, "malformed HTTP request: " + ec.message() + "\n");
    if (ec) return Close();
    Expect(std::nullopt);  // the guest has its own --timeout
    started_ = Clock::now();
    server_.last_activity = started_;
    server_.metrics.AddInFlight(1);
    Dispatch(parser_->release());
  }

  void Dispatch(bhttp::request<bhttp::string_body> req) {
    keep_alive_ = req.keep_alive();
    head_ = req.method() == bhttp::verb::head;
    method_ = std::string(req.method_string());
    target_ = std::string(req.target());
    const std::string path = target_.substr(0, target_.find('?'));
    const bool get = req.method() == bhttp::verb::get;
    if (get && path == "/capsule/metrics")
      return Send(Text(200, server_.metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
    if (req.method() == bhttp::verb::post && (path == "/capsule/reload" || path == "/load-wasm-module"))
      return Reload(req, path);
    auto version = server_.store.Current();
    const ModuleInfo& info = version->module->info();
    Route route = Route::kHandler;
    if (get && path == "/health") {
      if (!info.ExportsFunc("OnHealthCheck")) return Send(Text(200, "{\"status\":\"ok\"}", "application/json"));
      route = Route::kHealth;
    } else if (get && path == "/metrics") {
      if (!info.ExportsFunc("OnMetrics"))
        return Send(Text(200, server_.metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
      route = Route::kMetrics;
    }
    Job job;
    job.route = route;
    job.request.method = method_;
    std::string host(req[bhttp::field::host]);
    if (host.empty()) host = "localhost";
    job.request.uri = (server_.ssl ? "https://" : "http://") + host + target_;
    job.request.headers.reserve(8);
    for (const auto& field : req)
      job.request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    job.request.body = std::move(req.body());
    job.done = [self = this->shared_from_this()](HttpReply reply) {
      asio::post(self->stream_.get_executor(),
                 [self, reply = std::move(reply)]() mutable { self->Send(std::move(reply)); });
    };
    if (!server_.pool.Submit(std::move(job))) Send(Text(503, "the server is stopping\n"));
  }

  void Reload(const bhttp::request<bhttp::string_body>& req, const std::string& path) {
    const std::string& token = server_.options.reload_token;
    if (token.empty())
      return Send(Text(403,
                       "reload is disabled: start capsule-http with the environment variable "
                       "CAPSULE_RELOAD_TOKEN set, and send it in the CAPSULE_RELOAD_TOKEN header\n"));
    if (req["CAPSULE_RELOAD_TOKEN"] != token) return Send(Text(401, "missing or wrong CAPSULE_RELOAD_TOKEN header\n"));
    std::string source;
    if (path == "/load-wasm-module") {
      auto doc = nlohmann::json::parse(req.body(), nullptr, false);
      if (doc.is_object()) {
        for (const char* key : {"url", "path"})
          if (source.empty() && doc.contains(key) && doc[key].is_string()) source = doc[key].get<std::string>();
      }
      if (source.empty()) return Send(Text(400, "expected a JSON body {\"url\":\"...\"} or {\"path\":\"...\"}\n"));
    } else {
      source = req.body();
      while (!source.empty() && std::isspace(static_cast<unsigned char>(source.back()))) source.pop_back();
      while (!source.empty() && std::isspace(static_cast<unsigned char>(source.front()))) source.erase(0, 1);
      if (source.empty()) return Send(Text(400, "expected the module's URL or path as the request body\n"));
    }
    server_.reloader.Request(source, [self = this->shared_from_this()](bool ok, std::string message) {
      asio::post(self->stream_.get_executor(), [self, ok, message = std::move(message)]() mutable {
        std::fprintf(stderr, "capsule-http: %s\n", message.c_str());
        self->Send(Text(ok ? 200 : 422, message + "\n"));
      });
    });
  }

  void Send(HttpReply reply) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(reply.status));
    for (const auto& [name, value] : reply.headers)
      if (ValidHeaderName(name) && ValidHeaderValue(value)) res->set(name, value);
    res->body() = std::move(reply.body);
    res->keep_alive(keep_alive_ && !server_.draining);
    res->prepare_payload();
    if (head_) res->body().clear();  // the Content-Length of the GET answer stays
    const auto now = Clock::now();
    const double seconds = std::chrono::duration<double>(now - started_).count();
    server_.metrics.RecordRequest(reply.status, seconds);
    server_.metrics.AddInFlight(-1);
    server_.last_activity = now;
    if (server_.options.access_log) Log(reply.status, res->body().size(), seconds);
    res_ = res;
    Expect(kIoTimeout);
    bhttp::async_write(stream_, *res_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      if (!self->res_->keep_alive()) return self->DrainAndClose();
      self->res_.reset();
      self->Read();
    });
  }

  // A reply to a request that could not be read: no keep-alive, and the connection is closed after it.
  void Fail(int status, std::string message) {
    keep_alive_ = false;
    head_ = false;
    started_ = Clock::now();
    method_ = "-";
    target_ = "-";
    server_.metrics.AddInFlight(1);
    Send(Text(status, std::move(message)));
  }

  void Log(int status, size_t bytes, double seconds) {
    std::time_t t = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    beast::error_code ec;
    auto remote = Raw().remote_endpoint(ec);
    std::string line = "{\"time\":\"" + std::string(when) + "\",\"remote\":\"" +
                       (ec ? std::string("-") : remote.address().to_string()) + "\",\"method\":\"" +
                       JsonEscape(method_) + "\",\"target\":\"" + JsonEscape(target_) +
                       "\",\"status\":" + std::to_string(status) + ",\"bytes\":" + std::to_string(bytes) +
                       ",\"duration_ms\":" + std::to_string(seconds * 1000) + "}\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
  }

  // Half-closes, then reads and discards what the client still sends (so that closing does not reset the
  // connection before the client read our reply), for a bounded time.
  void DrainAndClose() {
    beast::error_code ec;
    Raw().shutdown(tcp::socket::shutdown_send, ec);
    Expect(std::chrono::seconds(2));
    DrainSome();
  }
  void DrainSome() {
    if (!scratch_) scratch_ = std::make_unique<std::array<char, 16384>>();
    Raw().async_read_some(asio::buffer(*scratch_), [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->Close();
      self->DrainSome();
    });
  }

  void Close() {
    closed_ = true;
    watchdog_.cancel();
    beast::error_code ec;
    Raw().shutdown(tcp::socket::shutdown_both, ec);
    Raw().close(ec);
  }

  Socket& Raw() {
    if constexpr (std::is_same_v<Stream, TlsStream>)
      return stream_.next_layer();
    else
      return stream_;
  }

  // The connection is closed when nothing completes within limit from now; nullopt: no limit. A deadline earlier
  // than the watchdog's wake-up (only when draining) wakes it now to re-arm.
  void Expect(std::optional<Clock::duration> limit) {
    deadline_ = limit ? Clock::now() + *limit : Clock::time_point::max();
    if (deadline_ < wake_) watchdog_.cancel();
  }

  // The watchdog sleeps until the earliest possible deadline and, when it wakes, either closes the connection or
  // sleeps again until the current deadline: moving the deadline costs nothing per request.
  void Watch() {
    if (closed_) return;
    wake_ = std::min(deadline_, Clock::now() + kIoTimeout);
    watchdog_.expires_at(wake_);
    watchdog_.async_wait([self = this->shared_from_this()](beast::error_code) {
      if (self->closed_) return;
      if (Clock::now() >= self->deadline_) return self->Close();
      self->Watch();
    });
  }

  Server::Impl& server_;
  Stream stream_;
  asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor> watchdog_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point wake_ = Clock::time_point::max();
  bool closed_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<bhttp::response<bhttp::string_body>> res_;
  std::unique_ptr<std::array<char, 16384>> scratch_;
  bool keep_alive_ = true;
  bool head_ = false;
  Clock::time_point started_;
  std::string method_, target_;
};

}  // namespace

template <class Stream>
void Server::Impl::Launch(Socket socket) {
  if constexpr (std::is_same_v<Stream, TlsStream>)
    std::make_shared<Session<TlsStream>>(*this, TlsStream(std::move(socket), *ssl))->Start();
  else
    std::make_shared<Session<PlainStream>>(*this, PlainStream(std::move(socket)))->Start();
}

void Server::Impl::Accept() {
  acceptor.async_accept([this](beast::error_code ec, Socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (ssl)
        Launch<TlsStream>(std::move(socket));
      else
        Launch<PlainStream>(std::move(socket));
    }
    Accept();
  });
}

void Server::Impl::Shutdown(std::string reason) {
  if (draining) return;
  draining = true;
  stop_reason = std::move(reason);
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  idle_timer.cancel();
  const auto deadline = Clock::now() + kDrainLimit;
  // The poll holds itself only weakly: the pending timer handler keeps it alive, and nothing does once it stops.
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [this, deadline, weak = std::weak_ptr<std::function<void()>>(poll)] {
    if (metrics.in_flight() <= 0 || Clock::now() >= deadline) {
      ioc.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([self = weak.lock()](beast::error_code) { (*self)(); });
  };
  (*poll)();
}

void Server::Impl::WatchIdle() {
  const auto limit = *options.stop_after;
  idle_timer.expires_after(
      std::min<Clock::duration>(limit / 4 + std::chrono::milliseconds(1), std::chrono::seconds(1)));
  idle_timer.async_wait([this, limit](beast::error_code ec) {
    if (ec || draining) return;
    if (metrics.in_flight() <= 0 && Clock::now() - last_activity >= limit)
      return Shutdown("no request for --stopAfter");
    WatchIdle();
  });
}

Server::Server(ServerOptions options, const ModuleStore& store, WorkerPool& pool, Reloader& reloader, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), store, pool, reloader, metrics)) {}

Server::~Server() = default;

Status Server::Listen() {
  Impl& s = *impl_;
  const std::string where = s.options.host + ":" + std::to_string(s.options.port);
  if (!s.options.crt.empty() || !s.options.key.empty()) {
    if (s.options.crt.empty() || s.options.key.empty())
      return Fail(ErrorCode::kInvalidArgument, "TLS needs both --crt and --key");
    s.ssl.emplace(asio::ssl::context::tls_server);
    beast::error_code ec;
    s.ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1,
                       ec);
    s.ssl->use_certificate_chain_file(s.options.crt, ec);
    if (ec) return Fail(ErrorCode::kInvalidArgument, "cannot use --crt=" + s.options.crt + ": " + ec.message());
    s.ssl->use_private_key_file(s.options.key, asio::ssl::context::pem, ec);
    if (ec) return Fail(ErrorCode::kInvalidArgument, "cannot use --key=" + s.options.key + ": " + ec.message());
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(s.options.host, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "bad listen address " + s.options.host + ": " + ec.message());
  tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot listen on " + where + ": " + ec.message());
  return Status::Ok();
}

uint16_t Server::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

std::string Server::Run() {
  Impl& s = *impl_;
  s.signals.async_wait([&s](beast::error_code ec, int signal) {
    if (ec) return;
    s.Shutdown(signal == SIGINT ? "SIGINT" : "SIGTERM");
  });
  if (s.options.stop_after) s.WatchIdle();
  s.Accept();
  while (!s.ioc.stopped()) {
    try {
      s.ioc.run();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "capsule-http: internal error in the event loop: %s\n", e.what());
    }
  }
  return s.stop_reason;
}

}  // namespace capsule::http
