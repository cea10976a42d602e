#include "runners/mqtt/mqtt_source.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>

namespace capsule::mqtt {
namespace {

using std::chrono::milliseconds;

// The runner's publisher connection as the host functions see it.
class MqttBroker : public MessageBroker {
 public:
  MqttBroker(host::MqttConnection& publisher, std::string server, std::string topic, std::string client_id)
      : publisher_(publisher), server_(std::move(server)), topic_(std::move(topic)), client_id_(std::move(client_id)) {}
  std::string_view protocol() const override { return "mqtt"; }
  std::string server() const override { return server_; }
  std::string subscription() const override { return topic_; }
  std::string client_id() const override { return client_id_; }
  Status Publish(std::string_view topic, std::string_view data, const MessageHeaders& headers) override {
    host::MqttPublishProperties properties;
    properties.user_properties = headers;
    return publisher_.Publish(topic, data, 0, false, properties);
  }
  Result<std::string> Request(std::string_view, std::string_view, milliseconds) override {
    return Fail(ErrorCode::kInvalidArgument, "MQTT has no request/reply: publish to a topic instead");
  }

 private:
  host::MqttConnection& publisher_;
  std::string server_, topic_, client_id_;
};

// Messages from the subscriber's network thread to the workers. Push blocks while full (the broker then waits on
// TCP) until Unbound, Pop waits a little for one.
class MessageQueue {
 public:
  explicit MessageQueue(size_t capacity) : capacity_(capacity) {}
  void Push(Message m) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_ || unbounded_ || closed_; });
    if (closed_) return;
    items_.push_back(std::move(m));
    not_empty_.notify_one();
  }
  // The next message; false when none came within wait, or the queue was closed.
  bool Pop(Message* m, milliseconds wait) {
    std::unique_lock lock(mu_);
    if (!not_empty_.wait_for(lock, wait, [&] { return !items_.empty() || closed_; }) || items_.empty()) return false;
    *m = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }
  bool empty() {
    std::lock_guard lock(mu_);
    return items_.empty();
  }
  // From now on Push never blocks: the subscriber's network thread must be able to finish even while every worker
  // is busy (a drain with a full queue).
  void Unbound() {
    std::lock_guard lock(mu_);
    unbounded_ = true;
    not_full_.notify_all();
  }
  // Drops what is queued and wakes every waiter.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    items_.clear();
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Message> items_;
  bool unbounded_ = false, closed_ = false;
};

class MqttSource : public runners::MessageSource {
 public:
  MqttSource(MqttSourceOptions options, serve::MessageMetrics& metrics)
      : options_(std::move(options)), metrics_(metrics), queue_(options_.queue_capacity) {}
  ~MqttSource() override {
    closing_ = true;  // the connections' ends are not news
    queue_.Close();
  }

  Status Connect() {
    host::MqttConnectOptions pub = options_.connect;
    pub.client_id = options_.connect.client_id + "-pub";
    pub.clean_session = true;
    pub.on_message = nullptr;
    pub.on_connection = nullptr;
    auto publisher = host::MqttConnection::Connect(std::move(pub));
    if (!publisher) return publisher.take_error();
    publisher_ = std::move(*publisher);
    broker_ = std::make_shared<MqttBroker>(*publisher_, options_.server, options_.topic, options_.connect.client_id);

    host::MqttConnectOptions sub = options_.connect;
    sub.on_message = [this](Message m) { queue_.Push(std::move(m)); };
    sub.on_connection = [this, first = std::make_shared<bool>(true)](bool up, const std::string& reason) {
      if (closing_) return;
      if (*first) {  // the connection Connect waits for
        *first = false;
        return;
      }
      if (up) {
        metrics_.RecordReconnect();
        std::fprintf(stderr, "capsule-mqtt: reconnected to %s, subscription restored\n", options_.server.c_str());
      } else {
        metrics_.RecordDisconnect();
        std::fprintf(stderr, "capsule-mqtt: disconnected from %s (%s), reconnecting\n", options_.server.c_str(),
                     reason.c_str());
      }
    };
    auto subscriber = host::MqttConnection::Connect(std::move(sub));
    if (!subscriber) return subscriber.take_error();
    subscriber_ = std::move(*subscriber);
    return Status::Ok();
  }

  std::shared_ptr<MessageBroker> broker() override { return broker_; }
  bool connected() const override { return metrics_.connected(); }

  Status Subscribe(size_t) override { return subscriber_->Subscribe(options_.topic, options_.qos); }

  void Serve(size_t, serve::WorkerPool& pool, const serve::MessageLimits& limits) override {
    while (!aborted_) {
      Message m;
      if (!queue_.Pop(&m, milliseconds(100))) {
        if (stopping_ && queue_.empty()) return;
        continue;
      }
      AwaitPublisher();
      if (m.reply.empty()) m.reply = options_.reply_topic;
      auto send_reply = [this, &m](std::string_view data) { return Reply(m, data, {}); };
      serve::MessageOutcome outcome = serve::HandleMessage(pool, m, send_reply, limits, metrics_);
      if (outcome.reply) {
        MessageHeaders headers;
        if (outcome.result != serve::MessageResult::kOk)
          headers.emplace_back(kCapsuleErrorHeader, CapsuleErrorHeaderValue(outcome.error));
        if (auto st = Reply(m, outcome.reply_data, headers); !st)
          std::fprintf(stderr, "capsule-mqtt: cannot reply to %s: %s\n", m.reply.c_str(), st.error().message.c_str());
      }
      if (!aborted_) pool.Prepare();
    }
  }

  void Stop() override {
    closing_ = true;
    queue_.Unbound();
    subscriber_.reset();  // no more deliveries; a persistent session keeps what arrives for the next start
    stopping_ = true;     // only now: the loops return once the queue is empty, and nothing can be added to it
  }

  void Abort() override {
    aborted_ = true;
    queue_.Close();
  }

  void Close() override {
    closing_ = true;
    if (auto st = publisher_->WaitForPublishes(milliseconds(5000)); !st)
      std::fprintf(stderr, "capsule-mqtt: %s\n", st.error().message.c_str());
  }

 private:
  // After a broker restart the subscriber may be back before the publisher (each reconnects on its own schedule):
  // waits for the publisher, up to the connect timeout, so that the module's publishes and the reply succeed.
  // Not while draining (the broker may be gone for good) or aborting.
  void AwaitPublisher() {
    const auto deadline = std::chrono::steady_clock::now() + options_.connect.connect_timeout;
    while (!stopping_ && !aborted_ && std::chrono::steady_clock::now() < deadline &&
           !publisher_->WaitForConnection(milliseconds(100))) {
    }
  }

  // Publishes data to m's reply topic with the runner's QoS and m's correlation data.
  Status Reply(const Message& m, std::string_view data, const MessageHeaders& headers) {
    host::MqttPublishProperties properties;
    properties.correlation_data = m.correlation_data;
    properties.user_properties = headers;
    return publisher_->Publish(m.reply, data, options_.qos, false, properties);
  }

  MqttSourceOptions options_;
  serve::MessageMetrics& metrics_;
  MessageQueue queue_;
  std::unique_ptr<host::MqttConnection> publisher_, subscriber_;
  std::shared_ptr<MqttBroker> broker_;
  std::atomic<bool> stopping_{false}, aborted_{false}, closing_{false};
};

}  // namespace

Result<std::unique_ptr<runners::MessageSource>> ConnectMqtt(MqttSourceOptions options, serve::MessageMetrics& metrics) {
  auto source = std::make_unique<MqttSource>(std::move(options), metrics);
  if (auto st = source->Connect(); !st) return st.take_error();
  return std::unique_ptr<runners::MessageSource>(std::move(source));
}

}  // namespace capsule::mqtt
