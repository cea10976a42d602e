#include "runners/nats/nats_source.h"

#include <unistd.h>

#include <cstdio>
#include <random>
#include <thread>

#include "serve/http_envelope.h"
#include "serve/http_guest.h"

namespace capsule::nats {
namespace {

using std::chrono::milliseconds;

// The runner's connection as the host functions see it.
class NatsBroker : public MessageBroker {
 public:
  NatsBroker(host::NatsConnection& conn, std::string server, std::string subject)
      : conn_(conn), server_(std::move(server)), subject_(std::move(subject)) {}
  std::string_view protocol() const override { return "nats"; }
  std::string server() const override { return server_; }
  std::string subscription() const override { return subject_; }
  std::string client_id() const override { return ""; }
  Status Publish(std::string_view subject, std::string_view data, const MessageHeaders& headers) override {
    return conn_.Publish(subject, data, headers);
  }
  Result<std::string> Request(std::string_view subject, std::string_view data, milliseconds timeout) override {
    auto reply = conn_.Request(subject, data, timeout);
    if (!reply) return reply.take_error();
    return std::string(natsMsg_GetData(reply->get()), static_cast<size_t>(natsMsg_GetDataLength(reply->get())));
  }

 private:
  host::NatsConnection& conn_;
  std::string server_, subject_;
};

struct SubscriptionDeleter {
  void operator()(natsSubscription* s) const { natsSubscription_Destroy(s); }
};
using SubscriptionPtr = std::unique_ptr<natsSubscription, SubscriptionDeleter>;

// A message as the module sees it; JetStream's reply subject is its ack subject, not shown.
Message ToMessage(natsMsg* msg, bool jetstream) {
  Message m;
  m.protocol = "nats";
  m.subject = natsMsg_GetSubject(msg);
  if (!jetstream && natsMsg_GetReply(msg)) m.reply = natsMsg_GetReply(msg);
  m.headers = host::NatsHeaders(msg);
  if (const char* data = natsMsg_GetData(msg)) m.data.assign(data, static_cast<size_t>(natsMsg_GetDataLength(msg)));
  return m;
}

std::string PrivateQueueGroup() {
  std::random_device random;
  char host[64] = "host";
  gethostname(host, sizeof host - 1);
  return "capsule-nats." + std::string(host) + "." + std::to_string(getpid()) + "." + std::to_string(random());
}

class NatsSource : public runners::MessageSource {
 public:
  NatsSource(NatsSourceOptions options, std::unique_ptr<host::NatsConnection> conn, serve::MessageMetrics& metrics,
             std::shared_ptr<std::atomic<bool>> closing)
      : closing_(std::move(closing)),
        options_(std::move(options)),
        conn_(std::move(conn)),
        broker_(std::make_shared<NatsBroker>(*conn_, options_.server, options_.subject)),
        metrics_(metrics) {
    if (options_.dead_letter.empty()) options_.dead_letter = "capsule.deadletter." + options_.stream;
  }
  ~NatsSource() override {
    subs_.clear();
    if (js_) jsCtx_Destroy(js_);
  }

  std::shared_ptr<MessageBroker> broker() override { return broker_; }
  bool connected() const override { return metrics_.connected(); }

  Status Subscribe(size_t workers) override {
    return options_.stream.empty() ? SubscribeCore(workers) : SubscribeJetStream(workers);
  }

  void Serve(size_t index, serve::WorkerPool& pool, const serve::MessageLimits& limits) override {
    if (index >= subs_.size()) return;
    if (options_.stream.empty())
      ServeCore(subs_[index].get(), pool, limits);
    else
      ServeJetStream(subs_[index].get(), pool, limits);
  }

  void Stop() override {
    stopping_ = true;
    // Core NATS: no new message; the ones already received are still handed out by NextMsg, then it fails.
    if (options_.stream.empty())
      for (auto& sub : subs_) natsSubscription_Drain(sub.get());
  }

  void Abort() override {
    aborted_ = true;
    for (auto& sub : subs_) natsSubscription_Unsubscribe(sub.get());
  }

  void Close() override {
    *closing_ = true;
    if (auto st = conn_->Flush(milliseconds(5000)); !st)
      std::fprintf(stderr, "capsule-nats: %s\n", st.error().message.c_str());
  }

 private:
  Status SubscribeCore(size_t workers) {
    const std::string queue = options_.queue.empty() ? PrivateQueueGroup() : options_.queue;
    for (size_t i = 0; i < workers; ++i) {
      natsSubscription* sub = nullptr;
      natsStatus s = natsConnection_QueueSubscribeSync(&sub, conn_->raw(), options_.subject.c_str(), queue.c_str());
      if (s != NATS_OK)
        return Fail(ErrorCode::kInvalidArgument, "cannot subscribe to " + options_.subject + ": " + host::NatsError(s));
      natsSubscription_SetPendingLimits(sub, 1 << 20, 256 << 20);
      subs_.emplace_back(sub);
    }
    return conn_->Flush(milliseconds(5000));  // the server knows the subscriptions before the first message
  }

  Status SubscribeJetStream(size_t workers) {
    jsOptions jso;
    jsOptions_Init(&jso);
    natsStatus s = natsConnection_JetStream(&js_, conn_->raw(), &jso);
    if (s != NATS_OK) return Fail(ErrorCode::kIo, "JetStream is not available: " + host::NatsError(s));
    jsStreamInfo* info = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    s = js_GetStreamInfo(&info, js_, options_.stream.c_str(), nullptr, &code);
    if (s == NATS_NOT_FOUND && options_.create_stream) {
      jsStreamConfig config;
      jsStreamConfig_Init(&config);
      config.Name = options_.stream.c_str();
      const char* subjects[] = {options_.subject.c_str()};
      config.Subjects = subjects;
      config.SubjectsLen = 1;
      config.Storage = js_FileStorage;
      s = js_AddStream(&info, js_, &config, nullptr, &code);
      if (s == NATS_OK) std::printf("capsule-nats: created stream %s on %s\n", options_.stream.c_str(), subjects[0]);
    }
    if (s != NATS_OK)
      return Fail(s == NATS_NOT_FOUND ? ErrorCode::kNotFound : ErrorCode::kIo,
                  "stream " + options_.stream + (s == NATS_NOT_FOUND ? " does not exist (add --create-stream)" : "") +
                      ": " + host::NatsError(s));
    jsStreamInfo_Destroy(info);
    jsConsumerConfig config;
    jsConsumerConfig_Init(&config);
    config.Durable = options_.durable.c_str();
    config.AckPolicy = js_AckExplicit;
    config.AckWait = options_.ack_wait.count() * 1000000;
    config.MaxDeliver = options_.max_deliver;
    config.MaxAckPending = 10000;
    jsSubOptions sub_options;
    jsSubOptions_Init(&sub_options);
    sub_options.Stream = options_.stream.c_str();
    sub_options.Config = config;
    for (size_t i = 0; i < workers; ++i) {
      natsSubscription* sub = nullptr;
      s = js_PullSubscribe(&sub, js_, options_.subject.c_str(), options_.durable.c_str(), nullptr, &sub_options, &code);
      if (s != NATS_OK)
        return Fail(ErrorCode::kInvalidArgument,
                    "cannot consume " + options_.stream + " as " + options_.durable + ": " + host::NatsError(s));
      subs_.emplace_back(sub);
    }
    return Status::Ok();
  }

  // Sends the outcome's reply; a failure's carries the Capsule-Error header.
  void Reply(const Message& m, const serve::MessageOutcome& outcome) {
    MessageHeaders headers;
    if (outcome.result != serve::MessageResult::kOk)
      headers.emplace_back(kCapsuleErrorHeader, CapsuleErrorHeaderValue(outcome.error));
    if (auto st = conn_->Publish(m.reply, outcome.reply_data, headers); !st)
      std::fprintf(stderr, "capsule-nats: cannot reply to %s: %s\n", m.reply.c_str(), st.error().message.c_str());
  }

  void ServeCore(natsSubscription* sub, serve::WorkerPool& pool, const serve::MessageLimits& limits) {
    while (!aborted_) {
      natsMsg* raw = nullptr;
      natsStatus s = natsSubscription_NextMsg(&raw, sub, 100);
      if (s == NATS_TIMEOUT) continue;
      if (s == NATS_SLOW_CONSUMER) {
        std::fprintf(stderr, "capsule-nats: messages were dropped: the workers cannot keep up with %s\n",
                     options_.subject.c_str());
        continue;
      }
      if (s != NATS_OK) {
        if (stopping_ || aborted_ || natsConnection_IsClosed(conn_->raw())) return;  // drained, or gone
        std::this_thread::sleep_for(milliseconds(100));
        continue;
      }
      host::NatsMsgPtr msg(raw);
      const Message m = ToMessage(raw, false);
      if (options_.http) {
        ServeHttpEnvelope(m, pool, limits);
        continue;
      }
      auto send_reply = [this, &m](std::string_view data) { return conn_->Publish(m.reply, data); };
      serve::MessageOutcome outcome = serve::HandleMessage(pool, m, send_reply, limits, metrics_);
      if (outcome.reply) Reply(m, outcome);
      if (!aborted_) pool.Prepare();
    }
  }

  // Answers one HTTP request envelope with the module's HTTP handler (routed as capsule-http routes a request:
  // GET /health and /metrics to the module's hooks when it has them) and replies with the HTTP reply envelope.
  void ServeHttpEnvelope(const Message& m, serve::WorkerPool& pool, const serve::MessageLimits& limits) {
    const auto started = std::chrono::steady_clock::now();
    metrics_.AddInFlight(1);
    serve::MessageOutcome handled;
    HttpReply reply = Answer(m, pool, limits, &handled);
    metrics_.AddInFlight(-1);
    if (m.reply.empty()) {
      handled.result = serve::MessageResult::kRejected;
      handled.error = "an HTTP envelope without a reply subject: nobody to answer";
      std::fprintf(stderr, "capsule-nats: %s (on %s)\n", handled.error.c_str(), m.subject.c_str());
    } else {
      SendHttpReply(m.reply, reply);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    serve::RecordHandledMessage(m, handled, seconds, limits, metrics_);
    if (!aborted_) pool.Prepare();
  }

  // The reply to one envelope; *handled says how the handling ended, for the metrics and the access log.
  HttpReply Answer(const Message& m, serve::WorkerPool& pool, const serve::MessageLimits& limits,
                   serve::MessageOutcome* handled) {
    auto fail = [handled](serve::MessageResult result, HttpReply reply) {
      handled->result = result;
      handled->error = reply.body;
      return reply;
    };
    if (limits.max_payload && m.data.size() > limits.max_payload)
      return fail(serve::MessageResult::kRejected,
                  TextReply(413, "request body of " + std::to_string(m.data.size()) +
                                     " bytes is larger than the worker's --max-payload (" +
                                     std::to_string(limits.max_payload) + " bytes)\n"));
    auto request = serve::DecodeRequestEnvelope(m.headers, m.data);
    if (!request)
      return fail(serve::MessageResult::kRejected, TextReply(400, "capsule-nats: " + request.error().message + "\n"));
    auto guest = pool.Acquire();
    if (!guest)
      return fail(serve::MessageResult::kRejected,
                  TextReply(500, "the module could not be started: " + guest.error().message + "\n"));
    const std::string_view path = std::string_view(request->target).substr(0, request->target.find('?'));
    const auto route = serve::GuestRouteOf(request->http.method == "GET", path, (*guest)->version()->module->info());
    if (!route) {
      pool.Release(serve::Outcome::kOk);
      if (path == "/health") return TextReply(200, "{\"status\":\"ok\"}", "application/json");
      return TextReply(200, metrics_.Render(), "text/plain; version=0.0.4; charset=utf-8");
    }
    serve::Outcome outcome = serve::Outcome::kOk;
    HttpReply reply = serve::ServeHttp(**guest, *route, request->http, &outcome);
    pool.Release(outcome);  // a trap or timeout discards the guest
    if (outcome == serve::Outcome::kTimeout) return fail(serve::MessageResult::kTimeout, std::move(reply));
    if (outcome == serve::Outcome::kTrap) return fail(serve::MessageResult::kTrapped, std::move(reply));
    if (reply.status >= 500) handled->result = serve::MessageResult::kFailed;
    if (reply.status >= 500) handled->error = "the module answered HTTP " + std::to_string(reply.status);
    return reply;
  }

  // Publishes reply's envelope to subject; a reply NATS refuses (larger than the server's max_payload, say) is
  // replaced by a 502 envelope saying why, so that the front does not wait for its timeout.
  void SendHttpReply(const std::string& subject, const HttpReply& reply) {
    Status st = conn_->Publish(subject, reply.body, serve::EncodeReplyEnvelope(reply));
    if (st) return;
    std::fprintf(stderr, "capsule-nats: cannot send the HTTP reply to %s: %s\n", subject.c_str(),
                 st.error().message.c_str());
    HttpReply error = TextReply(502, "capsule-nats could not send the module's reply (" +
                                         std::to_string(reply.body.size()) + " bytes): " + st.error().message + "\n");
    if (auto again = conn_->Publish(subject, error.body, serve::EncodeReplyEnvelope(error)); !again)
      std::fprintf(stderr, "capsule-nats: cannot send the error reply to %s: %s\n", subject.c_str(),
                   again.error().message.c_str());
  }

  void ServeJetStream(natsSubscription* sub, serve::WorkerPool& pool, const serve::MessageLimits& limits) {
    while (!stopping_ && !aborted_) {
      natsMsgList list{nullptr, 0};
      jsErrCode code = static_cast<jsErrCode>(0);
      natsStatus s = natsSubscription_Fetch(&list, sub, options_.fetch_batch, 500, &code);
      if (s == NATS_TIMEOUT) continue;
      if (s != NATS_OK) {
        natsMsgList_Destroy(&list);
        if (aborted_) return;
        std::this_thread::sleep_for(milliseconds(100));  // disconnected, say: cnats reconnects
        continue;
      }
      for (int i = 0; i < list.Count && !aborted_; ++i) Settle(list.Msgs[i], pool, limits);
      natsMsgList_Destroy(&list);
    }
  }

  // A message over --max-payload: it can never be handled.
  static bool TooLarge(const serve::MessageOutcome& outcome) {
    return outcome.result == serve::MessageResult::kRejected &&
           outcome.error.find("--max-payload") != std::string::npos;
  }

  // Handles one JetStream message and acks it (S), naks it with backoff (failure), or dead-letters it (its last
  // delivery, or a message that can never be handled).
  void Settle(natsMsg* msg, serve::WorkerPool& pool, const serve::MessageLimits& limits) {
    Message m = ToMessage(msg, true);
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
      m.stream = meta->Stream ? meta->Stream : "";
      m.sequence = meta->Sequence.Stream;
      m.deliveries = meta->NumDelivered;
      jsMsgMetaData_Destroy(meta);
    }
    if (m.deliveries > 1) metrics_.RecordRedelivery();
    auto no_reply = [](std::string_view) -> Status {
      return Fail(ErrorCode::kInvalidArgument, "a JetStream message has no reply subject");
    };
    serve::MessageOutcome outcome = serve::HandleMessage(pool, m, no_reply, limits, metrics_);
    if (outcome.result == serve::MessageResult::kOk) {
      natsMsg_Ack(msg, nullptr);
    } else if (TooLarge(outcome) || static_cast<int64_t>(m.deliveries) >= options_.max_deliver) {
      DeadLetter(m, outcome);
      natsMsg_Term(msg, nullptr);
    } else {
      auto delay = options_.nak_delay;
      for (uint64_t d = 1; d < m.deliveries && delay < options_.nak_delay_max; ++d) delay *= 2;
      natsMsg_NakWithDelay(msg, std::min(delay, options_.nak_delay_max).count(), nullptr);
    }
    if (!aborted_) pool.Prepare();
  }

  void DeadLetter(const Message& m, const serve::MessageOutcome& outcome) {
    MessageHeaders headers = m.headers;
    headers.emplace_back(kCapsuleErrorHeader, CapsuleErrorHeaderValue(outcome.error));
    headers.emplace_back("Capsule-Subject", m.subject);
    headers.emplace_back("Capsule-Stream", m.stream);
    headers.emplace_back("Capsule-Sequence", std::to_string(m.sequence));
    headers.emplace_back("Capsule-Deliveries", std::to_string(m.deliveries));
    if (auto st = conn_->Publish(options_.dead_letter, m.data, headers); !st)
      std::fprintf(stderr, "capsule-nats: cannot publish the dead letter of %s #%llu: %s\n", m.stream.c_str(),
                   static_cast<unsigned long long>(m.sequence), st.error().message.c_str());
    metrics_.RecordDeadLetter();
    std::fprintf(stderr, "capsule-nats: %s #%llu failed %llu times, sent to %s: %s\n", m.stream.c_str(),
                 static_cast<unsigned long long>(m.sequence), static_cast<unsigned long long>(m.deliveries),
                 options_.dead_letter.c_str(), outcome.error.c_str());
  }

  std::shared_ptr<std::atomic<bool>> closing_;  // set by Close: the connection's end is not reported
  NatsSourceOptions options_;
  std::unique_ptr<host::NatsConnection> conn_;
  std::shared_ptr<NatsBroker> broker_;
  serve::MessageMetrics& metrics_;
  jsCtx* js_ = nullptr;
  std::vector<SubscriptionPtr> subs_;
  std::atomic<bool> stopping_{false}, aborted_{false};
};

}  // namespace

Result<std::unique_ptr<runners::MessageSource>> ConnectNats(NatsSourceOptions options, serve::MessageMetrics& metrics) {
  auto closing = std::make_shared<std::atomic<bool>>(false);
  options.connect.on_disconnected = [&metrics, url = options.server, closing] {
    if (*closing) return;
    metrics.RecordDisconnect();
    std::fprintf(stderr, "capsule-nats: disconnected from %s, reconnecting\n", url.c_str());
  };
  options.connect.on_reconnected = [&metrics, url = options.server] {
    metrics.RecordReconnect();
    std::fprintf(stderr, "capsule-nats: reconnected to %s, subscriptions restored\n", url.c_str());
  };
  options.connect.on_error = [](const std::string& error) {
    std::fprintf(stderr, "capsule-nats: NATS reports: %s\n", error.c_str());
  };
  auto conn = host::NatsConnection::Connect(options.connect);
  if (!conn) return conn.take_error();
  return std::unique_ptr<runners::MessageSource>(
      new NatsSource(std::move(options), std::move(*conn), metrics, std::move(closing)));
}

}  // namespace capsule::nats
