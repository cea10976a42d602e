#include "faas/front_session.h"

#include <cstdio>

#include "faas/faas_token.h"
#include "faas/streamed_call.h"

namespace capsule::faas {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// How long a client connection may take to send a request (or stay idle between two): then it is closed, so that
// clients that connect and send nothing cannot hold connections open for ever.
constexpr std::chrono::seconds kClientReadTimeout{60};

// One client connection: reads requests one at a time and answers each before reading the next.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Front::Impl& front, FrontSocket socket)
      : front_(front), socket_(std::move(socket)), read_timer_(socket_.get_executor()) {
    beast::error_code ec;
    auto remote = socket_.remote_endpoint(ec);
    if (!ec) client_ = remote.address().to_string();
  }
  void Start() { Read(); }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(front_.options.max_body);
    reading_ = ++reads_;
    read_timer_.expires_after(kClientReadTimeout);
    read_timer_.async_wait([weak = weak_from_this(), read = reads_](beast::error_code ec) {
      // Still in the same read (a completed read may have queued its handler before the timer was cancelled).
      if (auto self = weak.lock(); self && !ec && self->reading_ == read) self->Close();
    });
    bhttp::async_read_header(socket_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec || parser_->is_done()) return OnRead(ec);
    // A call to a child with a body above kStreamBodiesAbove (http_proxy.h), or chunked, is streamed to it; other
    // bodies are read whole (and sent over a pooled connection).
    if (const auto length = parser_->content_length(); !length || *length > kStreamBodiesAbove)
      if (auto call = LocalCall()) return StreamCall(std::move(*call));
    ContinueThen(parser_->get(), [self = shared_from_this()] {
      bhttp::async_read(self->socket_, self->buffer_, *self->parser_,
                        [self](beast::error_code ec, size_t) { self->OnRead(ec); });
    });
  }

  // Runs next, after answering "100 Continue" when the request expects it before sending its body.
  template <class Fields, class Next>
  void ContinueThen(const bhttp::request_header<Fields>& header, Next next) {
    if (!beast::iequals(header[bhttp::field::expect], "100-continue")) return next();
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this(), next = std::move(next)](beast::error_code ec, size_t) mutable {
                        if (ec) return self->Close();
                        next();
                      });
  }

  void OnRead(beast::error_code ec) {
    reading_ = 0;
    read_timer_.cancel();
    if (ec == bhttp::error::body_limit) {
      keep_alive_ = false;
      return Send(Reply(413, "request body larger than --max-body\n"));
    }
    if (ec == bhttp::error::end_of_stream) return Close();
    if (ec) {
      if (parser_ && parser_->got_some()) {
        keep_alive_ = false;
        return Send(Reply(400, "malformed HTTP request: " + ec.message() + "\n"));
      }
      return Close();
    }
    Dispatch(parser_->release());
  }

  void Dispatch(ProxyRequest req) {
    keep_alive_ = req.keep_alive();
    const FaasRoute route = RouteOf(req.method_string(), req.target());
    if (const auto* bad = std::get_if<BadRoute>(&route)) return Send(Reply(bad->status, bad->message + "\n"));
    if (const auto* call = std::get_if<CallRoute>(&route))
      return Forward(std::move(req), ReplicaKey{call->name, front_.Resolve(call->name, call->revision)}, call->target,
                     true);
    if (std::holds_alternative<OtherRoute>(route)) return Other(std::move(req));
    if (!TokenMatches(front_.options.token, req[kTokenHeader]))
      return Send(Reply(401, "missing or wrong CAPSULE_FAAS_TOKEN header\n"));
    auto self = shared_from_this();
    auto send = [self](ProxyResponse res) { self->Send(std::move(res)); };
    if (std::holds_alternative<ProcessesRoute>(route)) return Send(front_.Processes());
    if (const auto* r = std::get_if<RouteRoute>(&route)) return Send(front_.Route(*r));
    if (std::holds_alternative<StartRoute>(route))
      return front_.RunAdmin([&front = front_, body = std::move(req.body())] { return front.Start(body); }, send);
    if (std::holds_alternative<ApplyRoute>(route))
      return front_.RunAdmin([&front = front_, body = std::move(req.body())] { return front.Apply(body); }, send);
    if (const auto* dup = std::get_if<DuplicateRoute>(&route))
      return front_.RunAdmin([&front = front_, r = *dup] { return front.Duplicate(r); }, send);
    if (const auto* drop = std::get_if<DropRoute>(&route))
      return front_.RunAdmin([&front = front_, r = *drop] { return front.Drop(r); }, send);
    Send(Reply(500, "unhandled route\n"));
  }

  // The front's own paths; every other one goes to the index.page function when it runs (as Capsule's /*).
  void Other(ProxyRequest req) {
    const std::string_view target = req.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/health" && req.method() == bhttp::verb::get)
      return Send(Reply(200, "{\"status\":\"ok\"}", "application/json"));
    if (path == "/capsule/metrics" && req.method() == bhttp::verb::get)
      return Send(
          Reply(200, front_.metrics.Render(front_.supervisor.Snapshot()), "text/plain; version=0.0.4; charset=utf-8"));
    ReplicaKey index{kIndexFunction, std::string(kDefaultRevision)};
    if (front_.NatsSubjectOf(index) || front_.supervisor.Acquire(index).ok())
      return Forward(std::move(req), index, std::string(target), false);
    if (path == "/") return Send(Reply(200, "Capsule C++ [faas]\n"));
    Send(Reply(404, "not found: " + std::string(path) + "\n"));
  }

  // A call to a function revision: which, and the target its child gets.
  struct Call {
    ReplicaKey key;
    std::string target;
    bool named = false;  // /functions/NAME...: not the index.page of another path
  };

  // The call the request whose header was read is, when it goes to local children (not over NATS).
  std::optional<Call> LocalCall() {
    const auto& req = parser_->get();
    const FaasRoute route = RouteOf(req.method_string(), req.target());
    std::optional<Call> call;
    if (const auto* c = std::get_if<CallRoute>(&route)) {
      call = Call{ReplicaKey{c->name, front_.Resolve(c->name, c->revision)}, c->target, true};
    } else if (std::holds_alternative<OtherRoute>(route)) {
      const std::string_view path = req.target().substr(0, req.target().find('?'));
      if (path == "/health" || path == "/capsule/metrics") return std::nullopt;
      call = Call{ReplicaKey{kIndexFunction, std::string(kDefaultRevision)}, std::string(req.target()), false};
    }
    if (!call || front_.NatsSubjectOf(call->key)) return std::nullopt;
    return call;
  }

  // The reply when key has no up replica: 404 when it is unknown, 503 while it restarts.
  ProxyResponse NoReplica(const ReplicaKey& key, bool named) {
    bool known = false;
    for (const ReplicaInfo& r : front_.supervisor.Snapshot()) known = known || r.key == key;
    if (!known && named) return Reply(404, "Capsule process not found: " + key.ToString() + "\n");
    if (!known) return Reply(404, "not found\n");
    front_.metrics.RecordCall(key, 503, 0);
    return Reply(503, "no replica of " + key.ToString() + " is up (restarting)\n");
  }

  // Streams the call's body to a child as it arrives and its response back (streamed_call.h).
  void StreamCall(Call call) {
    reading_ = 0;  // the read timeout does not apply: the call's own idle timeout does
    read_timer_.cancel();
    keep_alive_ = parser_->get().keep_alive();
    auto lease = front_.supervisor.Acquire(call.key);
    if (!lease) {
      keep_alive_ = false;  // the body stays unread
      return Send(NoReplica(call.key, call.named));
    }
    auto held = std::make_shared<Lease>(std::move(*lease));
    auto request = std::make_shared<StreamingRequestParser>(std::move(*parser_));
    request->body_limit(front_.options.max_body);
    parser_.reset();
    ForwardTarget to;
    to.port = static_cast<uint16_t>(held->port());
    to.target = std::move(call.target);
    to.client_address = client_;
    auto start = [self = shared_from_this(), request, held, to, key = call.key] {
      const auto started = std::chrono::steady_clock::now();
      StartStreamedCall(self->socket_, self->buffer_, request, to, self->keep_alive_,
                        self->front_.options.proxy.timeout, [self, held, key, started](StreamedCallResult result) {
                          held->Release();
                          const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
                          if (result.status) self->front_.metrics.RecordCall(key, result.status, took.count());
                          if (!result.detail.empty())
                            std::fprintf(stderr, "capsule-http: faas: a streamed call to %s failed: %s\n",
                                         key.ToString().c_str(), result.detail.c_str());
                          if (result.reply) {
                            self->keep_alive_ = false;
                            return self->Send(std::move(*result.reply));
                          }
                          if (result.client_reusable) return self->Read();
                          self->Close();
                        });
    };
    ContinueThen(request->get(), std::move(start));
  }

  void Forward(ProxyRequest req, const ReplicaKey& key, std::string target, bool named) {
    if (auto subject = front_.NatsSubjectOf(key)) return ForwardNats(std::move(req), key, *subject, std::move(target));
    const auto started = std::chrono::steady_clock::now();
    auto lease = front_.supervisor.Acquire(key);
    if (!lease) return Send(NoReplica(key, named));
    ForwardTarget to;
    to.port = static_cast<uint16_t>(lease->port());
    to.target = std::move(target);
    to.client_address = client_;
    auto held = std::make_shared<Lease>(std::move(*lease));
    front_.proxy.Forward(
        std::move(req), std::move(to), [self = shared_from_this(), held, key, started](ProxyResult result) {
          const unsigned status = result.response.result_int();
          if (!result.stream) {
            held->Release();
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
            self->front_.metrics.RecordCall(key, status, took.count());
            return self->Send(std::move(result.response));
          }
          // A large body: relayed as it comes, the replica counted busy until its end.
          result.stream->RelayTo(self->socket_, self->keep_alive_, [self, held, key, started, status](bool reusable) {
            held->Release();
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
            self->front_.metrics.RecordCall(key, status, took.count());
            if (reusable) return self->Read();
            self->Close();
          });
        });
  }

  void ForwardNats(ProxyRequest req, const ReplicaKey& key, const std::string& subject, std::string target) {
    const auto started = std::chrono::steady_clock::now();
    ForwardTarget to;
    to.target = std::move(target);
    to.client_address = client_;
    front_.nats->Forward(std::move(req), subject, to, [self = shared_from_this(), key, started](ProxyResult result) {
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
      self->front_.metrics.RecordCall(key, result.response.result_int(), took.count());
      self->Send(std::move(result.response));
    });
  }

  void Send(ProxyResponse res) {
    res.keep_alive(keep_alive_);
    // An answer to HEAD keeps its Content-Length (the size a GET would have) over its empty body.
    if (!(res.body().empty() && res.has_content_length())) res.prepare_payload();
    auto message = std::make_shared<ProxyResponse>(std::move(res));
    bhttp::async_write(socket_, *message, [self = shared_from_this(), message](beast::error_code ec, size_t) {
      if (ec || !self->keep_alive_) return self->Close();
      self->Read();
    });
  }

  void Close() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    socket_.close(ec);
  }

  Front::Impl& front_;
  FrontSocket socket_;
  LoopTimer read_timer_;
  uint64_t reads_ = 0, reading_ = 0;  // reads started; the one in progress (0: none)
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string client_;
  bool keep_alive_ = true;
};

}  // namespace

void ServeClient(Front::Impl& front, FrontSocket socket) {
  std::make_shared<Session>(front, std::move(socket))->Start();
}

}  // namespace capsule::faas
