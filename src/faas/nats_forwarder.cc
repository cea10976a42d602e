#include "faas/nats_forwarder.h"

#include <charconv>
#include <map>
#include <random>

#include "faas/error_response.h"
#include "faas/forward_headers.h"
#include "serve/http_envelope.h"

namespace capsule::faas {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

// A unique inbox prefix for this front: replies come to "<prefix><call id>".
std::string InboxPrefix() {
  std::random_device random;
  char id[33];
  snprintf(id, sizeof id, "%08x%08x%08x%08x", random(), random(), random(), random());
  return std::string("_INBOX.capsule-faas.") + id + ".";
}

ProxyResult Failure(ProxyFailure failure, bhttp::status status, const std::string& text, unsigned version) {
  ProxyResult r;
  r.response = TextResponse(status, text, version);
  r.failure = failure;
  r.detail = text;
  return r;
}

}  // namespace

// Lives as long as the forwarder or the last reply handed to the loop.
struct NatsForwarder::State {
  struct Call {
    Callback done;
    std::unique_ptr<LoopTimer> timer;
    std::string subject;
    unsigned version = 11;
    bool head = false;
  };

  explicit State(Executor e) : executor(e) {}

  Executor executor;
  std::unique_ptr<host::NatsConnection> conn;
  std::chrono::milliseconds timeout{30000};
  std::string inbox;
  uint64_t next_id = 1;
  std::map<uint64_t, Call> calls;  // on the loop only

  // The call waiting for id, removed, or nothing (it timed out already).
  std::optional<Call> Take(uint64_t id) {
    auto it = calls.find(id);
    if (it == calls.end()) return std::nullopt;
    Call call = std::move(it->second);
    calls.erase(it);
    if (call.timer) call.timer->cancel();
    return call;
  }

  // A reply message of the inbox, on the loop.
  void OnReply(host::NatsMsgPtr msg) {
    const std::string_view subject = host::NatsSubject(msg.get());
    uint64_t id = 0;
    if (subject.size() <= inbox.size() ||
        std::from_chars(subject.data() + inbox.size(), subject.data() + subject.size(), id).ptr !=
            subject.data() + subject.size())
      return;
    auto call = Take(id);
    if (!call) return;  // answered after its timeout: the client has had its 504
    if (host::NatsIsNoResponders(msg.get()))
      return call->done(Failure(ProxyFailure::kUnavailable, bhttp::status::service_unavailable,
                                "no worker serves " + call->subject + " (no NATS responders)", call->version));
    auto reply = serve::DecodeReplyEnvelope(host::NatsHeaders(msg.get()), std::string(host::NatsPayload(msg.get())));
    if (!reply)
      return call->done(Failure(ProxyFailure::kBadGateway, bhttp::status::bad_gateway,
                                "bad reply on " + call->subject + ": " + reply.error().message, call->version));
    ProxyResult result;
    result.response = ProxyResponse{static_cast<bhttp::status>(reply->status), call->version};
    for (const auto& [name, value] : reply->headers) result.response.insert(name, value);
    RemoveHopByHop(result.response);
    result.response.erase(bhttp::field::content_length);
    const bool bodiless = reply->status < 200 || reply->status == 204 || reply->status == 304;
    if (call->head && !bodiless)
      result.response.content_length(reply->body.size());  // the size a GET would have, without the body
    else if (!bodiless)
      result.response.body() = std::move(reply->body);
    call->done(std::move(result));
  }
};

Result<std::unique_ptr<NatsForwarder>> NatsForwarder::Connect(Executor executor, host::NatsConnectOptions options,
                                                              std::chrono::milliseconds timeout) {
  auto conn = host::NatsConnection::Connect(std::move(options));
  if (!conn) return conn.take_error();
  std::unique_ptr<NatsForwarder> f(new NatsForwarder());
  f->state_ = std::make_shared<State>(executor);
  f->state_->conn = std::move(*conn);
  f->state_->timeout = timeout;
  f->state_->inbox = InboxPrefix();
  std::weak_ptr<State> weak = f->state_;
  auto inbox = f->state_->conn->Subscribe(f->state_->inbox + "*", [weak, executor](host::NatsMsgPtr msg) {
    asio::post(executor, [weak, msg = std::make_shared<host::NatsMsgPtr>(std::move(msg))]() mutable {
      if (auto state = weak.lock()) state->OnReply(std::move(*msg));
    });
  });
  if (!inbox) return inbox.take_error();
  f->inbox_ = std::move(*inbox);
  if (auto st = f->state_->conn->Flush(std::chrono::milliseconds(5000)); !st) return st.take_error();
  return f;
}

NatsForwarder::~NatsForwarder() {
  inbox_.reset();  // no reply is handed to the loop after this
  for (auto& [id, call] : state_->calls)
    if (call.timer) call.timer->cancel();
}

bool NatsForwarder::connected() {
  return state_->conn->connected();
}

size_t NatsForwarder::InFlight() const {
  return state_->calls.size();
}

void NatsForwarder::Forward(ProxyRequest request, const std::string& subject, const ForwardTarget& to, Callback done) {
  State& s = *state_;
  const unsigned version = request.version();
  auto fail_later = [&](ProxyResult r) {
    asio::post(s.executor, [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
  };
  if (!s.conn->connected())
    return fail_later(Failure(ProxyFailure::kUnavailable, bhttp::status::service_unavailable,
                              "NATS is not connected: " + subject + " cannot be reached now", version));
  RemoveHopByHop(request);
  request.erase(bhttp::field::expect);
  request.erase(bhttp::field::content_length);
  AddForwardedHeaders(request, to.client_address, to.proto);
  MessageHeaders http;
  http.reserve(16);
  for (const auto& field : request) http.emplace_back(field.name_string(), field.value());
  const MessageHeaders envelope =
      serve::EncodeRequestEnvelope(request.method_string(), to.target.empty() ? "/" : to.target, http);
  size_t size = request.body().size();
  for (const auto& [name, value] : envelope) size += name.size() + value.size() + 4;
  if (const int64_t max = s.conn->max_payload(); max > 0 && size + 12 > static_cast<size_t>(max))
    return fail_later(Failure(ProxyFailure::kBadGateway, bhttp::status::payload_too_large,
                              "the request (" + std::to_string(size) +
                                  " bytes with its headers) is larger than the "
                                  "NATS server's max_payload (" +
                                  std::to_string(max) + " bytes)",
                              version));
  const uint64_t id = s.next_id++;
  if (auto st = s.conn->Publish(subject, request.body(), envelope, s.inbox + std::to_string(id)); !st)
    return fail_later(Failure(ProxyFailure::kUnavailable, bhttp::status::service_unavailable,
                              "cannot send to " + subject + ": " + st.error().message, version));
  State::Call call;
  call.done = std::move(done);
  call.subject = subject;
  call.version = version;
  call.head = request.method() == bhttp::verb::head;
  call.timer = std::make_unique<LoopTimer>(s.executor);
  call.timer->expires_after(s.timeout);
  call.timer->async_wait([weak = std::weak_ptr<State>(state_), id](boost::system::error_code ec) {
    auto state = weak.lock();
    if (ec || !state) return;
    auto call = state->Take(id);
    if (!call) return;
    call->done(Failure(ProxyFailure::kTimeout, bhttp::status::gateway_timeout,
                       "no reply from " + call->subject + " within --proxy-timeout (" +
                           std::to_string(state->timeout.count()) + " ms)",
                       call->version));
  });
  s.calls.emplace(id, std::move(call));
}

}  // namespace capsule::faas
