// Inside the FaaS front (front.h), shared by its two halves: the admin operations and the accept loop (front.cc) and
// the client connections (front_session.cc). Not part of the HDK.
#pragma once

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "faas/beast_http.h"
#include "faas/faas_route.h"
#include "faas/front.h"
#include "faas/front_metrics.h"
#include "faas/nats_forwarder.h"
#include "faas/start_request.h"

namespace capsule::faas {

using FrontAcceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Executor>;
using FrontSocket = UpstreamSocket;  // the same socket type as the proxy's, on the front's loop

// The function that answers every path the front does not serve itself (Capsule's /*).
inline constexpr char kIndexFunction[] = "index.page";

// A reply of the front's own: status, body and Content-Type.
ProxyResponse Reply(unsigned status, std::string body, std::string_view type = "text/plain; charset=utf-8");

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

// The front's state and its admin operations (front.cc); its client connections are front_session.cc's.
struct Front::Impl {
  Impl(FrontOptions o, Supervisor& s)
      : options(std::move(o)), supervisor(s), proxy(ioc.get_executor(), options.proxy) {}

  FrontOptions options;
  Supervisor& supervisor;
  boost::asio::io_context ioc{1};
  FrontAcceptor acceptor{ioc.get_executor()};
  boost::asio::signal_set signals{ioc, SIGINT, SIGTERM};
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

template <class Op, class Send>
void Front::Impl::RunAdmin(Op op, Send send) {
  {
    std::lock_guard lock(mutex);
    ++admin_in_flight;
  }
  std::thread([this, op = std::move(op), send = std::move(send)]() mutable {
    ProxyResponse res = op();
    boost::asio::post(ioc, [send = std::move(send), res = std::move(res)]() mutable { send(std::move(res)); });
    std::lock_guard lock(mutex);
    --admin_in_flight;
    admin_done.notify_all();
  }).detach();
}

}  // namespace capsule::faas
