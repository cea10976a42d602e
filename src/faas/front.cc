#include "faas/front.h"

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include <nlohmann/json.hpp>

#include "faas/beast_http.h"
#include "faas/faas_route.h"
#include "faas/faas_token.h"
#include "faas/front_metrics.h"
#include "faas/functions_file.h"
#include "faas/nats_forwarder.h"
#include "faas/process_listing.h"
#include "faas/start_request.h"
#include "faas/streamed_call.h"

namespace capsule::faas {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
using Socket = UpstreamSocket;  // the same socket type, on the front's loop

constexpr char kIndexFunction[] = "index.page";
// How long a client connection may take to send a request (or stay idle between two): then it is closed, so that
// clients that connect and send nothing cannot hold connections open for ever.
constexpr std::chrono::seconds kClientReadTimeout{60};

ProxyResponse Reply(unsigned status, std::string body, std::string_view type = "text/plain; charset=utf-8") {
  ProxyResponse res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, type);
  res.body() = std::move(body);
  return res;
}

// What a start asked for, kept to duplicate the revision later.
struct Started {
  StartRequest request;
  std::string program;
  std::vector<std::string> args;
  int replicas = 1;
  std::chrono::system_clock::time_point created_at;

  // Whether other would run the same children (what the functions file compares).
  bool SameLaunch(const Started& other) const {
    return program == other.program && args == other.args && request.env == other.request.env &&
           replicas == other.replicas && request.via_nats == other.request.via_nats;
  }
};

ProcessStatus StatusOf(ReplicaState state) {
  switch (state) {
    case ReplicaState::kStarting: return ProcessStatus::kWaiting;
    case ReplicaState::kUp: return ProcessStatus::kStarted;
    case ReplicaState::kRestarting: return ProcessStatus::kFailed;
    case ReplicaState::kFailed: return ProcessStatus::kFailed;
  }
  return ProcessStatus::kFailed;
}

// Whether path is inside dir (both canonical).
bool Inside(const std::filesystem::path& path, const std::filesystem::path& dir) {
  auto p = path.begin();
  for (auto d = dir.begin(); d != dir.end(); ++d, ++p)
    if (p == path.end() || *p != *d) return false;
  return true;
}

}  // namespace

struct Front::Impl {
  Impl(FrontOptions o, Supervisor& s)
      : options(std::move(o)), supervisor(s), proxy(ioc.get_executor(), options.proxy) {}

  FrontOptions options;
  Supervisor& supervisor;
  asio::io_context ioc{1};
  Acceptor acceptor{ioc.get_executor()};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  HttpProxy proxy;
  std::unique_ptr<NatsForwarder> nats;  // with options.nats, after Listen
  FrontMetrics metrics;
  std::string stop_reason;

  std::mutex mutex;  // started, admin_in_flight
  std::condition_variable admin_done;
  std::map<ReplicaKey, Started> started;
  std::map<std::string, std::string> routes;  // function -> the revision its default calls go to
  int admin_in_flight = 0;

  void Accept();
  // Runs op on a thread of its own (it may wait for children) and sends its reply from the loop.
  template <class Op, class Send>
  void RunAdmin(Op op, Send send);

  // The admin operations (on admin threads).
  ProxyResponse Start(const std::string& body);
  ProxyResponse Apply(const std::string& body);
  // A checked start request as what to launch, or the reply that refuses it.
  std::variant<Started, ProxyResponse> Prepare(const StartRequest& request) const;
  // Launches prepared as key (which must not run); the reply: 200 NAME/REV/0, 409, 502.
  ProxyResponse Launch(const ReplicaKey& key, Started prepared);
  // Stops every replica of key and forgets it.
  void StopRevision(const ReplicaKey& key);
  ProxyResponse Duplicate(const DuplicateRoute& route);
  ProxyResponse Drop(const DropRoute& route);
  ProxyResponse Processes();
  ProxyResponse Route(const RouteRoute& route);
  // The subject of key when it is served via NATS.
  std::optional<std::string> NatsSubjectOf(const ReplicaKey& key);
  // The revision a call of name/revision goes to: a route's target for the default revision.
  std::string Resolve(const std::string& name, const std::string& revision);
  // The checks of a start: the program to run (or a 403 reply), the module's path or URL (a 400 or 403 reply when
  // refused). CheckArgs rewrites --wasm to an absolute path.
  std::variant<std::string, ProxyResponse> CheckProgram(const std::string& path) const;
  std::optional<ProxyResponse> CheckArgs(std::vector<std::string>& args) const;
};

namespace {

// One client connection: reads requests one at a time and answers each before reading the next.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Front::Impl& front, Socket socket)
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
  Socket socket_;
  LoopTimer read_timer_;
  uint64_t reads_ = 0, reading_ = 0;  // reads started; the one in progress (0: none)
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string client_;
  bool keep_alive_ = true;
};

}  // namespace

template <class Op, class Send>
void Front::Impl::RunAdmin(Op op, Send send) {
  {
    std::lock_guard lock(mutex);
    ++admin_in_flight;
  }
  std::thread([this, op = std::move(op), send = std::move(send)]() mutable {
    ProxyResponse res = op();
    asio::post(ioc, [send = std::move(send), res = std::move(res)]() mutable { send(std::move(res)); });
    std::lock_guard lock(mutex);
    --admin_in_flight;
    admin_done.notify_all();
  }).detach();
}

std::variant<std::string, ProxyResponse> Front::Impl::CheckProgram(const std::string& path) const {
  namespace fs = std::filesystem;
  if (path.empty()) return options.capsule_http_path;
  std::error_code ec, ec2;
  const fs::path wanted = fs::canonical(path, ec);
  // The front's own capsule-http by its own path: in the images that is the capsule-http link, not capsule-box.
  if (!ec && wanted == fs::canonical(options.capsule_http_path, ec2) && !ec2) return options.capsule_http_path;
  for (const std::string& allowed : options.allow_exec) {
    std::error_code ec3;
    if (!ec && wanted == fs::canonical(allowed, ec3) && !ec3) return wanted.string();
  }
  return Reply(403,
               "\"path\" " + path + " is not allowed: only this front's capsule-http and --allow-exec programs run\n");
}

std::optional<ProxyResponse> Front::Impl::CheckArgs(std::vector<std::string>& args) const {
  namespace fs = std::filesystem;
  for (std::string& arg : args) {
    std::string_view a = arg;
    const size_t dashes = a.rfind("--", 0) == 0 ? 2 : (a.rfind('-', 0) == 0 ? 1 : 0);
    a.remove_prefix(dashes);
    const size_t eq = a.find('=');
    const std::string_view name = a.substr(0, eq);
    const std::string value = eq == std::string_view::npos ? std::string() : std::string(a.substr(eq + 1));
    if (name == "httpPort" || name == "host")
      return Reply(400, "--" + std::string(name) + " is chosen by the front: leave it out\n");
    if (name == "wasm") {
      if (eq == std::string_view::npos) return Reply(400, "write --wasm=FILE as one argument\n");
      const fs::path dir =
          fs::weakly_canonical(options.functions_dir.empty() ? fs::current_path() : fs::path(options.functions_dir));
      fs::path file = fs::path(value).is_absolute() ? fs::path(value) : dir / value;
      std::error_code ec;
      file = fs::weakly_canonical(file, ec);
      if (ec || !Inside(file, dir))
        return Reply(403, "--wasm " + value + " is outside --functions-dir " + dir.string() + "\n");
      arg = "--wasm=" + file.string();
    }
    if (name == "url") {
      bool allowed = false;
      for (const std::string& prefix : options.allow_module_urls) allowed = allowed || value.rfind(prefix, 0) == 0;
      if (!allowed) return Reply(403, "--url " + value + " is not allowed (--allow-module-url)\n");
    }
  }
  return std::nullopt;
}

std::variant<Started, ProxyResponse> Front::Impl::Prepare(const StartRequest& request) const {
  auto checked = CheckProgram(request.path);
  if (auto* refusal = std::get_if<ProxyResponse>(&checked)) return std::move(*refusal);
  std::vector<std::string> args = request.args;
  if (auto refusal = CheckArgs(args)) return std::move(*refusal);
  return Started{request, std::get<std::string>(checked), std::move(args),
                 request.replicas ? request.replicas : options.replicas, std::chrono::system_clock::now()};
}

ProxyResponse Front::Impl::Launch(const ReplicaKey& key, Started prepared) {
  const int replicas = prepared.replicas;
  const std::vector<std::string> args = prepared.args, env = prepared.request.env;
  const std::string program = prepared.program == options.capsule_http_path ? std::string() : prepared.program;
  {
    std::lock_guard lock(mutex);
    if (started.count(key)) return Reply(409, key.ToString() + " already runs: drop it first\n");
    if (prepared.request.via_nats) {
      if (!nats)
        return Reply(400, key.ToString() +
                              " is to be served via NATS, but this front has no NATS connection (start "
                              "it with --natssrv=URL)\n");
      started[key] = std::move(prepared);
      return Reply(200, key.ToString() + "/0");
    }
    started[key] = std::move(prepared);
  }
  Status st = supervisor.Start(key, replicas, args, env, program);
  if (!st) {
    std::lock_guard lock(mutex);
    started.erase(key);
    const int status = st.error().code == ErrorCode::kInvalidArgument ? 409 : 502;
    return Reply(status, "cannot start " + key.ToString() + ": " + st.error().message + "\n");
  }
  return Reply(200, key.ToString() + "/0");
}

void Front::Impl::StopRevision(const ReplicaKey& key) {
  (void)supervisor.Stop(key);
  std::lock_guard lock(mutex);
  started.erase(key);
}

ProxyResponse Front::Impl::Start(const std::string& body) {
  auto request = ParseStartRequest(body);
  if (!request) return Reply(400, request.error().message + "\n");
  auto prepared = Prepare(*request);
  if (auto* refusal = std::get_if<ProxyResponse>(&prepared)) return std::move(*refusal);
  return Launch(ReplicaKey{request->name, request->revision}, std::get<Started>(std::move(prepared)));
}

ProxyResponse Front::Impl::Apply(const std::string& body) {
  auto file = ParseFunctionsFile(body);
  if (!file) return Reply(400, file.error().message + "\n");
  // Everything is checked before anything changes.
  std::map<ReplicaKey, Started> wanted;
  for (const StartRequest& request : file->functions) {
    const ReplicaKey key{request.name, request.revision};
    auto prepared = Prepare(request);
    if (auto* refusal = std::get_if<ProxyResponse>(&prepared)) {
      refusal->body() = key.ToString() + ": " + refusal->body();
      return std::move(*refusal);
    }
    wanted.emplace(key, std::get<Started>(std::move(prepared)));
  }
  std::map<ReplicaKey, Started> running;
  {
    std::lock_guard lock(mutex);
    running = started;
    // Routes to revisions that go away end first, so that no call is sent to a stopping revision.
    for (auto it = routes.begin(); it != routes.end();) {
      auto target = wanted.find(ReplicaKey{it->first, it->second});
      const bool stays = target != wanted.end() && running.count(target->first) &&
                         running.at(target->first).SameLaunch(target->second);
      it = stays ? std::next(it) : routes.erase(it);
    }
  }
  nlohmann::json report = {{"started", nlohmann::json::array()},
                           {"restarted", nlohmann::json::array()},
                           {"stopped", nlohmann::json::array()},
                           {"unchanged", nlohmann::json::array()},
                           {"failed", nlohmann::json::object()}};
  for (const auto& [key, was] : running)
    if (!wanted.count(key)) {
      StopRevision(key);
      report["stopped"].push_back(key.ToString());
    }
  for (auto& [key, launch] : wanted) {
    auto it = running.find(key);
    if (it != running.end() && it->second.SameLaunch(launch)) {
      report["unchanged"].push_back(key.ToString());
      continue;
    }
    const bool restart = it != running.end();
    if (restart) StopRevision(key);
    ProxyResponse res = Launch(key, std::move(launch));
    if (res.result_int() != 200)
      report["failed"][key.ToString()] = res.body();
    else
      report[restart ? "restarted" : "started"].push_back(key.ToString());
  }
  {
    std::lock_guard lock(mutex);
    for (const auto& [name, revision] : file->routes)
      if (started.count(ReplicaKey{name, revision})) routes[name] = revision;
    report["routes"] = routes;
  }
  return Reply(report["failed"].empty() ? 200 : 502, report.dump(2) + "\n", "application/json; charset=utf-8");
}

ProxyResponse Front::Impl::Duplicate(const DuplicateRoute& route) {
  Started copy;
  const ReplicaKey from{route.name, route.revision}, to{route.name, route.new_revision};
  {
    std::lock_guard lock(mutex);
    auto it = started.find(from);
    if (it == started.end()) return Reply(404, "Capsule process not found: " + from.ToString() + "\n");
    copy = it->second;
  }
  copy.request.revision = route.new_revision;
  copy.created_at = std::chrono::system_clock::now();
  ProxyResponse res = Launch(to, std::move(copy));
  return res.result_int() == 200 ? Reply(200, route.name) : res;
}

ProxyResponse Front::Impl::Drop(const DropRoute& route) {
  const ReplicaKey key{route.name, route.revision};
  if (!route.index) {
    std::lock_guard lock(mutex);
    if (auto it = routes.find(route.name); it != routes.end() && it->second == route.revision)
      return Reply(409, route.name + "'s default calls go to " + route.revision +
                            ": route them elsewhere first (PUT /functions/route/NAME/REVISION or DELETE "
                            "/functions/route/NAME)\n");
  }
  if (NatsSubjectOf(key)) {
    if (route.index && *route.index != 0)
      return Reply(404, key.ToString() + " is served via NATS: it has no replica " + std::to_string(*route.index) +
                            " here (stop a worker itself)\n");
    std::lock_guard lock(mutex);
    started.erase(key);
    return Reply(200, key.ToString() + (route.index ? "/0" : ""));
  }
  Status st = route.index ? supervisor.Stop(key, static_cast<int>(*route.index)) : supervisor.Stop(key);
  if (!st) return Reply(404, "Capsule process not found: " + key.ToString() + "\n");
  bool any_left = false;
  for (const ReplicaInfo& r : supervisor.Snapshot()) any_left = any_left || r.key == key;
  if (!any_left) {
    std::lock_guard lock(mutex);
    started.erase(key);
  }
  return Reply(200, key.ToString() + (route.index ? "/" + std::to_string(*route.index) : ""));
}

std::optional<std::string> Front::Impl::NatsSubjectOf(const ReplicaKey& key) {
  if (!nats) return std::nullopt;
  std::lock_guard lock(mutex);
  auto it = started.find(key);
  if (it == started.end() || !it->second.request.via_nats) return std::nullopt;
  return serve::FaasSubject(options.nats_prefix, key.function, key.revision);
}

std::string Front::Impl::Resolve(const std::string& name, const std::string& revision) {
  if (revision != kDefaultRevision) return revision;
  std::lock_guard lock(mutex);
  auto it = routes.find(name);
  return it == routes.end() ? revision : it->second;
}

ProxyResponse Front::Impl::Route(const RouteRoute& route) {
  std::lock_guard lock(mutex);
  if (!route.revision) {
    if (!routes.erase(route.name)) return Reply(404, "no route for " + route.name + "\n");
    return Reply(200, route.name + "/" + std::string(kDefaultRevision));
  }
  if (!started.count(ReplicaKey{route.name, *route.revision}))
    return Reply(404, "Capsule process not found: " + route.name + "/" + *route.revision + "\n");
  routes[route.name] = *route.revision;  // one assignment: every call after it goes to the new revision
  return Reply(200, route.name + "/" + *route.revision);
}

ProxyResponse Front::Impl::Processes() {
  std::vector<FunctionProcess> listing;
  std::lock_guard lock(mutex);
  for (const ReplicaInfo& r : supervisor.Snapshot()) {
    FunctionProcess p;
    p.name = r.key.function;
    p.revision = r.key.revision;
    p.index = static_cast<unsigned>(r.index);
    p.port = static_cast<uint16_t>(r.port);
    p.pid = r.pid;
    p.status = StatusOf(r.state);
    p.restarts = static_cast<unsigned>(r.restarts);
    p.started_at = r.started_at;
    p.created_at = r.started_at;
    if (auto it = started.find(r.key); it != started.end()) {
      p.description = it->second.request.description;
      p.created_at = it->second.created_at;
      p.path = it->second.program;
      p.args = it->second.args;
    }
    listing.push_back(std::move(p));
  }
  for (const auto& [key, launch] : started) {
    if (!launch.request.via_nats) continue;
    FunctionProcess p;
    p.name = key.function;
    p.revision = key.revision;
    p.description = launch.request.description;
    p.status = nats && nats->connected() ? ProcessStatus::kStarted : ProcessStatus::kFailed;
    p.created_at = p.started_at = launch.created_at;
    p.via_nats_subject = serve::FaasSubject(options.nats_prefix, key.function, key.revision);
    listing.push_back(std::move(p));
  }
  return Reply(200, ProcessListingJson(listing), "application/json; charset=utf-8");
}

void Front::Impl::Accept() {
  acceptor.async_accept([this](beast::error_code ec, Socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) std::make_shared<Session>(*this, std::move(socket))->Start();
    Accept();
  });
}

Front::Front(FrontOptions options, Supervisor& supervisor)
    : impl_(std::make_unique<Impl>(std::move(options), supervisor)) {}

Front::~Front() = default;

Status Front::Listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "invalid --host " + impl_->options.host + ": " + ec.message());
  const tcp::endpoint endpoint(address, impl_->options.port);
  Acceptor& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Fail(ErrorCode::kIo, "cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) +
                                    ": " + ec.message());
  if (impl_->options.nats) {
    auto nats = NatsForwarder::Connect(impl_->ioc.get_executor(), *impl_->options.nats, impl_->options.proxy.timeout);
    if (!nats) return nats.take_error();
    impl_->nats = std::move(*nats);
  }
  return Status::Ok();
}

Status Front::ApplyFile(const std::string& text) {
  ProxyResponse res = impl_->Apply(text);
  if (res.result_int() == 200) return Status::Ok();
  return Fail(ErrorCode::kInvalidArgument, res.body());
}

uint16_t Front::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

std::string Front::Run() {
  Impl& s = *impl_;
  s.signals.async_wait([&s](beast::error_code ec, int signal) {
    if (ec) return;
    s.stop_reason = signal == SIGINT ? "SIGINT" : "SIGTERM";
    beast::error_code ignored;
    s.acceptor.close(ignored);
    s.ioc.stop();
  });
  s.Accept();
  s.ioc.run();
  std::unique_lock lock(s.mutex);
  s.admin_done.wait(lock, [&s] { return s.admin_in_flight == 0; });
  return s.stop_reason;
}

}  // namespace capsule::faas
