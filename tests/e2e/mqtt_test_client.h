// Test support: an MQTT 5 client of a real broker (the HDK's host::MqttConnection) that records every message of its
// subscriptions, so that a test can publish requests and wait for replies or marks with a deadline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "capsule/message_abi.h"
#include "host/mqtt_client.h"

namespace capsule::testing {

// One connection (a client id of its own, clean session, reconnecting) and what it received.
class MqttTestClient {
 public:
  // Connects to url; ok() tells whether it did (error() says why not).
  explicit MqttTestClient(const std::string& url);
  bool ok() const { return connection_ != nullptr; }
  const std::string& error() const { return error_; }

  // Subscribes (waiting for the SUBACK).
  Status Subscribe(const std::string& filter, int qos = 1);
  // Publishes and waits until the broker has it (QoS 1 and 2) or it was sent (QoS 0).
  Status Publish(const std::string& topic, const std::string& data, int qos = 1,
                 const host::MqttPublishProperties& properties = {}, bool retain = false);
  // Publishes count copies of data without waiting in between (a burst), then waits for all of them.
  Status PublishBurst(const std::string& topic, const std::string& data, int qos, int count);
  // Waits until at least n messages arrived on topic; returns those that did (fewer after the timeout).
  std::vector<Message> WaitFor(const std::string& topic, size_t n,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The messages received on topic so far.
  std::vector<Message> Received(const std::string& topic);

 private:
  struct Inbox {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<Message> messages;
  };
  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  std::unique_ptr<host::MqttConnection> connection_;
  std::string error_;
};

// The value of the first header (user property) called name, or "" when there is none.
std::string HeaderValue(const Message& message, const std::string& name);

}  // namespace capsule::testing
