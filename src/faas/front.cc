// The FaaS front's admin operations and its accept loop (the client connections: front_session.cc).
#include "faas/front.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "faas/front_impl.h"
#include "faas/front_session.h"
#include "faas/functions_file.h"
#include "faas/process_listing.h"

namespace capsule::faas {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

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

ProxyResponse Reply(unsigned status, std::string body, std::string_view type) {
  ProxyResponse res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, type);
  res.body() = std::move(body);
  return res;
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
  acceptor.async_accept([this](beast::error_code ec, FrontSocket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) ServeClient(*this, std::move(socket));
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
  FrontAcceptor& a = impl_->acceptor;
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
