#include "mqtt_test_client.h"

#include <unistd.h>

#include <atomic>

namespace capsule::testing {

MqttTestClient::MqttTestClient(const std::string& url) {
  static std::atomic<int> counter{0};
  host::MqttConnectOptions options;
  options.url = url;
  options.client_id = "capsule-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
  options.on_message = [inbox = inbox_](Message m) {
    std::lock_guard lock(inbox->mu);
    inbox->messages.push_back(std::move(m));
    inbox->cv.notify_all();
  };
  auto connection = host::MqttConnection::Connect(std::move(options));
  if (connection) {
    connection_ = std::move(*connection);
  } else {
    error_ = connection.error().message;
  }
}

Status MqttTestClient::Subscribe(const std::string& filter, int qos) {
  return connection_->Subscribe(filter, qos);
}

Status MqttTestClient::Publish(const std::string& topic, const std::string& data, int qos,
                               const host::MqttPublishProperties& properties, bool retain) {
  if (auto st = connection_->Publish(topic, data, qos, retain, properties); !st) return st;
  return connection_->WaitForPublishes(std::chrono::seconds(10));
}

Status MqttTestClient::PublishBurst(const std::string& topic, const std::string& data, int qos, int count) {
  for (int i = 0; i < count; ++i)
    if (auto st = connection_->Publish(topic, data, qos, false); !st) return st;
  return connection_->WaitForPublishes(std::chrono::seconds(30));
}

std::vector<Message> MqttTestClient::WaitFor(const std::string& topic, size_t n, std::chrono::milliseconds timeout) {
  std::vector<Message> out;
  std::unique_lock lock(inbox_->mu);
  inbox_->cv.wait_for(lock, timeout, [&] {
    out.clear();
    for (const Message& m : inbox_->messages)
      if (m.subject == topic) out.push_back(m);
    return out.size() >= n;
  });
  return out;
}

std::vector<Message> MqttTestClient::Received(const std::string& topic) {
  return WaitFor(topic, 0, std::chrono::milliseconds(0));
}

std::string HeaderValue(const Message& message, const std::string& name) {
  for (const auto& [key, value] : message.headers)
    if (key == name) return value;
  return "";
}

}  // namespace capsule::testing
