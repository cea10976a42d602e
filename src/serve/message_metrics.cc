#include "serve/message_metrics.h"

namespace capsule::serve {

const char* MessageResultName(MessageResult result) {
  switch (result) {
    case MessageResult::kOk: return "ok";
    case MessageResult::kFailed: return "failed";
    case MessageResult::kTrapped: return "trapped";
    case MessageResult::kTimeout: return "timeout";
    case MessageResult::kRejected: return "rejected";
  }
  return "unknown";
}

void MessageMetrics::RecordMessage(MessageResult result, double seconds) {
  const auto i = static_cast<size_t>(result);
  by_result_[i].Add();
  latency_[i].Record(seconds);
}

uint64_t MessageMetrics::messages(MessageResult result) const {
  return by_result_[static_cast<size_t>(result)].Total();
}

std::string MessageMetrics::Render() const {
  std::string out;
  const std::string messages = prefix_ + "_messages_total";
  AppendMetricHeader(out, messages, "counter", "Messages handled, by result.");
  for (size_t i = 0; i < kMessageResults; ++i)
    AppendSample(out, messages, std::string("result=\"") + MessageResultName(static_cast<MessageResult>(i)) + "\"",
                 static_cast<double>(by_result_[i].Total()));
  const std::string duration = prefix_ + "_message_duration_seconds";
  AppendMetricHeader(out, duration, "histogram", "Time from a message's arrival to the end of its handling.");
  for (size_t i = 0; i < kMessageResults; ++i)
    latency_[i].RenderSamples(out, duration,
                              std::string("result=\"") + MessageResultName(static_cast<MessageResult>(i)) + "\"");
  AppendScalar(out, prefix_ + "_in_flight_messages", "gauge", "Messages being handled.",
               static_cast<double>(in_flight()));
  AppendScalar(out, prefix_ + "_redeliveries_total", "counter", "Messages delivered again after a failure.",
               static_cast<double>(redeliveries_.Total()));
  AppendScalar(out, prefix_ + "_dead_letters_total", "counter",
               "Messages given up on after their last delivery, sent to the dead-letter subject.",
               static_cast<double>(dead_letters_.load()));
  AppendScalar(out, prefix_ + "_broker_connected", "gauge", "1 while the broker connection is up.",
               connected_.load() ? 1 : 0);
  AppendScalar(out, prefix_ + "_broker_disconnects_total", "counter", "Times the broker connection was lost.",
               static_cast<double>(disconnects_.load()));
  AppendScalar(out, prefix_ + "_broker_reconnects_total", "counter", "Times the broker connection came back.",
               static_cast<double>(reconnects_.load()));
  instances_.Render(out, prefix_);
  return out;
}

}  // namespace capsule::serve
