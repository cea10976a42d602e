#include "runners/http/server.h"

#include <unistd.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "runners/http/reply_writer.h"
#include "serve/beast.h"
#include "serve/http_guest.h"
#include "serve/reload_request.h"

namespace capsule::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
// Each worker runs its own io_context, single-threaded: no strands or locks on the request path. The concrete
// executor type instead of any_io_executor: no type erasure on every I/O operation.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
// Plain sockets, not beast::basic_stream: its per-operation timers cost a timer update (often a syscall) per read
// and write. Each Session has one watchdog timer instead, re-armed only when it fires (see Session::Watch).
using PlainStream = Socket;
using TlsStream = asio::ssl::stream<Socket>;

// A connection that neither sends a request nor takes a reply for this long is closed.
constexpr auto kIoTimeout = std::chrono::seconds(60);

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

}  // namespace

struct Server::Impl {
  // One worker's event loop and what the acceptor knows of it. Run by exactly one worker thread.
  struct Loop {
    std::atomic<int> connections{0};
    std::atomic<bool> in_guest{false};                           // the worker is running a guest call
    std::atomic<Clock::time_point> last_activity{Clock::now()};  // the last request read or answered here
    asio::io_context ioc{1};  // last: its sessions, destroyed with it, update the counters above
  };

  Impl(ServerOptions o, const serve::ModuleStore& s, serve::WorkerPool& p, serve::Reloader& r, Metrics& m)
      : options(std::move(o)), store(s), pool(p), reloader(r), metrics(m) {}

  void Accept();
  Loop& PickLoop();
  void Shutdown(std::string reason);
  void StopLoops();
  void WatchIdle();
  template <class Stream>
  void Launch(Loop& loop, Socket socket);

  ServerOptions options;
  const serve::ModuleStore& store;
  serve::WorkerPool& pool;
  serve::Reloader& reloader;
  Metrics& metrics;
  // The main thread's loop: the acceptor, the signals and the server's timers.
  asio::io_context ioc{1};
  Acceptor acceptor{ioc.get_executor()};
  tcp protocol = tcp::v4();  // the acceptor's
  std::optional<asio::ssl::context> ssl;
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  asio::steady_timer idle_timer{ioc};
  asio::steady_timer drain_timer{ioc};
  asio::steady_timer accept_retry{ioc};
  std::atomic<bool> draining{false};
  bool drain_expired = false;  // the graceful stop gave up waiting for requests in flight
  std::string stop_reason;
  // One per worker. Last: the connections still open when the server stops die first, while the TLS context and
  // everything else they may use still exist.
  std::vector<std::unique_ptr<Loop>> loops;
};

namespace {

// One HTTP connection, living on one worker's loop: its handlers, and the guest calls of its requests, all run on
// that worker's thread.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Server::Impl& server, Server::Impl::Loop& loop, Stream stream)
      : server_(server), loop_(loop), stream_(std::move(stream)), watchdog_(Raw().get_executor()) {
    ++loop_.connections;
  }
  ~Session() { --loop_.connections; }

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
    if (server_.draining.load(std::memory_order_relaxed)) return Close();
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
    loop_.last_activity.store(started_, std::memory_order_relaxed);
    server_.metrics.AddInFlight(1);
    Dispatch(parser_->release());
  }

  void Dispatch(bhttp::request<bhttp::string_body> req) {
    framing_.keep_alive = req.keep_alive();
    framing_.http10 = req.version() == 10;
    framing_.head = req.method() == bhttp::verb::head;
    method_ = req.method_string();
    target_ = req.target();
    const std::string_view path = std::string_view(target_).substr(0, target_.find('?'));
    const bool get = req.method() == bhttp::verb::get;
    if (get && path == "/capsule/metrics")
      return Send(TextReply(200, server_.metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
    if (req.method() == bhttp::verb::post && serve::IsReloadPath(path)) return Reload(req, std::string(path));
    std::optional<serve::HttpRoute> route = serve::HttpRoute::kHandler;
    if (get && (path == "/health" || path == "/metrics"))  // the module is looked up only for these two
      route = serve::GuestRouteOf(get, path, server_.store.Current()->module->info());
    if (!route) {
      if (path == "/health") return Send(TextReply(200, "{\"status\":\"ok\"}", "application/json"));
      return Send(TextReply(200, server_.metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
    }
    HttpRequest request;
    request.method = method_;
    const std::string_view host = req[bhttp::field::host];
    request.uri.reserve(8 + host.size() + target_.size() + 9);
    request.uri.append(server_.ssl ? "https://" : "http://").append(host.empty() ? "localhost" : host).append(target_);
    request.headers.reserve(8);
    for (const auto& field : req) request.headers.emplace_back(field.name_string(), field.value());
    request.body = std::move(req.body());
    // The guest runs here, on the worker thread that read the request: no hand-over between threads.
    loop_.in_guest.store(true, std::memory_order_relaxed);
    HttpReply reply = serve::ServeHttpOnWorker(server_.pool, *route, request);
    loop_.in_guest.store(false, std::memory_order_relaxed);
    Send(std::move(reply));
    server_.pool.Prepare();  // after the reply: Asio has written it already when the socket took it
  }

  void Reload(const bhttp::request<bhttp::string_body>& req, const std::string& path) {
    const serve::ReloadRequest r =
        serve::ParseReloadRequest(path, req.body(), req["CAPSULE_RELOAD_TOKEN"], server_.options.reload_token);
    if (r.status) return Send(TextReply(r.status, r.message + "\n"));
    server_.reloader.Request(r.source, [self = this->shared_from_this()](bool ok, std::string message) {
      asio::post(self->stream_.get_executor(), [self, ok, message = std::move(message)]() mutable {
        std::fprintf(stderr, "capsule-http: %s\n", message.c_str());
        self->Send(TextReply(ok ? 200 : 422, message + "\n"));
      });
    });
  }

  void Send(const HttpReply& reply) {
    if (server_.draining.load(std::memory_order_relaxed)) framing_.keep_alive = false;
    WriteReply(reply, framing_, &out_);
    const auto now = Clock::now();
    const double seconds = std::chrono::duration<double>(now - started_).count();
    server_.metrics.RecordRequest(reply.status, seconds);
    loop_.last_activity.store(now, std::memory_order_relaxed);
    if (server_.options.access_log) Log(reply.status, framing_.head ? 0 : reply.body.size(), seconds);
    Expect(kIoTimeout);
    // The request stays in flight until its reply is written: a graceful drain waits for large replies too.
    asio::async_write(stream_, asio::buffer(out_), [self = this->shared_from_this()](beast::error_code ec, size_t) {
      self->server_.metrics.AddInFlight(-1);
      if (ec) return self->Close();
      if (!self->framing_.keep_alive) return self->DrainAndClose();
      self->Read();
    });
  }

  // A reply to a request that could not be read: no keep-alive, and the connection is closed after it.
  void Fail(int status, std::string message) {
    framing_ = ReplyFraming{false, false, false};
    started_ = Clock::now();
    method_ = "-";
    target_ = "-";
    server_.metrics.AddInFlight(1);
    Send(TextReply(status, std::move(message)));
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
  Server::Impl::Loop& loop_;
  Stream stream_;
  asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor> watchdog_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point wake_ = Clock::time_point::max();
  bool closed_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string out_;  // the reply being written; its capacity is kept for the next one
  std::unique_ptr<std::array<char, 16384>> scratch_;
  ReplyFraming framing_;
  Clock::time_point started_;
  std::string method_, target_;
};

}  // namespace

template <class Stream>
void Server::Impl::Launch(Loop& loop, Socket socket) {
  std::shared_ptr<Session<Stream>> session;
  if constexpr (std::is_same_v<Stream, TlsStream>)
    session = std::make_shared<Session<TlsStream>>(*this, loop, TlsStream(std::move(socket), *ssl));
  else
    session = std::make_shared<Session<PlainStream>>(*this, loop, PlainStream(std::move(socket)));
  asio::post(loop.ioc, [session] { session->Start(); });
}

// The loop for a new connection: one whose worker is not inside a guest call, then the one with the fewest
// connections.
Server::Impl::Loop& Server::Impl::PickLoop() {
  Loop* best = loops.front().get();
  auto load = [](const Loop& l) {
    return (l.in_guest.load(std::memory_order_relaxed) ? 1 << 20 : 0) + l.connections.load(std::memory_order_relaxed);
  };
  for (auto& l : loops)
    if (load(*l) < load(*best)) best = l.get();
  return *best;
}

void Server::Impl::Accept() {
  acceptor.async_accept([this](beast::error_code ec, Socket socket) {
    if (!acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors or memory, say: try again shortly instead of spinning.
      std::fprintf(stderr, "capsule-http: accept failed: %s\n", ec.message().c_str());
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](beast::error_code e) {
        if (!e) Accept();
      });
      return;
    }
    beast::error_code move_error;
    socket.set_option(tcp::no_delay(true), move_error);
    // The connection moves to the chosen worker's loop.
    Loop& loop = PickLoop();
    const auto fd = socket.release(move_error);
    Socket moved(loop.ioc.get_executor());
    if (!move_error) moved.assign(protocol, fd, move_error);
    if (move_error) {
      if (fd >= 0 && !moved.is_open()) ::close(fd);
      std::fprintf(stderr, "capsule-http: cannot hand a connection to a worker: %s\n", move_error.message().c_str());
    } else if (ssl) {
      Launch<TlsStream>(loop, std::move(moved));
    } else {
      Launch<PlainStream>(loop, std::move(moved));
    }
    Accept();
  });
}

void Server::Impl::StopLoops() {
  for (auto& l : loops) l->ioc.stop();
  ioc.stop();
}

void Server::Impl::Shutdown(std::string reason) {
  if (draining.exchange(true)) return;
  stop_reason = std::move(reason);
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  idle_timer.cancel();
  accept_retry.cancel();
  const auto deadline = Clock::now() + options.drain_limit;
  // The poll holds itself only weakly: the pending timer handler keeps it alive, and nothing does once it stops.
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [this, deadline, weak = std::weak_ptr<std::function<void()>>(poll)] {
    if (metrics.in_flight() <= 0) return StopLoops();
    if (Clock::now() >= deadline) {
      drain_expired = true;
      return StopLoops();
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
    auto last = Clock::time_point::min();
    for (const auto& l : loops) last = std::max(last, l->last_activity.load(std::memory_order_relaxed));
    if (metrics.in_flight() <= 0 && Clock::now() - last >= limit) return Shutdown("no request for --stopAfter");
    WatchIdle();
  });
}

Server::Server(ServerOptions options, const serve::ModuleStore& store, serve::WorkerPool& pool,
               serve::Reloader& reloader, Metrics& metrics)
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
  s.protocol = endpoint.protocol();
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

namespace {

// Runs ioc on the calling thread until it is stopped; an exception escaping a handler is reported, not fatal.
void RunUntilStopped(asio::io_context& ioc) {
  while (!ioc.stopped()) {
    try {
      ioc.run();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "capsule-http: internal error in the event loop: %s\n", e.what());
    }
  }
}

}  // namespace

Result<std::string> Server::Run(size_t workers, const std::function<void()>& on_started) {
  Impl& s = *impl_;
  for (size_t i = 0; i < workers; ++i) s.loops.push_back(std::make_unique<Impl::Loop>());
  auto loop = [&s](size_t index) {
    asio::io_context& ioc = s.loops[index]->ioc;
    auto keep_running = asio::make_work_guard(ioc);  // a loop without connections waits for the next one
    RunUntilStopped(ioc);
  };
  if (auto st = s.pool.Start(workers, loop); !st) return st.take_error();
  s.signals.async_wait([&s](beast::error_code ec, int signal) {
    if (ec) return;
    s.Shutdown(signal == SIGINT ? "SIGINT" : "SIGTERM");
  });
  if (s.options.stop_after) s.WatchIdle();
  s.Accept();
  on_started();
  RunUntilStopped(s.ioc);
  s.StopLoops();
  if (s.drain_expired) {
    std::fprintf(stderr, "capsule-http: requests still running after the drain limit: interrupting them\n");
    s.pool.InterruptAll();
  }
  s.pool.Join();
  return s.stop_reason;
}

}  // namespace capsule::http
