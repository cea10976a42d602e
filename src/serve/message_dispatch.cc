#include "serve/message_dispatch.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "capsule/host.h"
#include "capsule/http_abi.h"

namespace capsule::serve {
namespace {

constexpr std::string_view kNatsEntries[] = {"callHandleMessage", "callNatsMessageHandle", "callHandle"};
constexpr std::string_view kMqttEntries[] = {"callHandleMessage", "callMqttMessageHandle", "callHandle"};

void LogMessage(const Message& m, const MessageOutcome& outcome, double seconds) {
  std::time_t t = std::time(nullptr);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  std::string line = "{\"time\":\"" + std::string(when) + "\",\"subject\":\"" + JsonEscape(m.subject) +
                     "\",\"bytes\":" + std::to_string(m.data.size()) + ",\"result\":\"" +
                     MessageResultName(outcome.result) + "\",\"duration_ms\":" + std::to_string(seconds * 1000);
  if (!outcome.error.empty()) line += ",\"error\":\"" + JsonEscape(outcome.error) + "\"";
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

MessageOutcome Handle(WorkerPool& pool, const Message& message,
                      const std::function<Status(std::string_view)>& send_reply, const MessageLimits& limits) {
  MessageOutcome outcome;
  auto error = [&](MessageResult result, std::string why) {
    outcome.result = result;
    outcome.error = std::move(why);
    outcome.reply = !message.reply.empty();
    outcome.reply_data = outcome.error;
    return outcome;
  };
  if (limits.max_payload && message.data.size() > limits.max_payload)
    return error(MessageResult::kRejected, "message of " + std::to_string(message.data.size()) +
                                               " bytes is larger than --max-payload (" +
                                               std::to_string(limits.max_payload) + " bytes)");
  auto guest = pool.Acquire();
  if (!guest) return error(MessageResult::kRejected, "the module could not be started: " + guest.error().message);
  const MessageEntry entry = MessageEntryOf((*guest)->version()->module->info(), message.protocol);
  Instance& instance = (*guest)->instance();
  MessageCall call{&message, send_reply, false};
  instance.data().set<MessageCall>(&call);
  auto answer = CallMessageHandler(instance, entry, message, (*guest)->call_options());
  instance.data().set<MessageCall>(nullptr);
  if (!answer) {
    const Error& e = answer.error();
    const bool timeout = e.code == ErrorCode::kInterrupted;
    error(timeout ? MessageResult::kTimeout : MessageResult::kTrapped,
          timeout ? "timeout: the module ran longer than --timeout=" + (*guest)->settings().timeout_text +
                        " and was interrupted"
                  : std::string(e.code_name()) + ": " + e.message);
    pool.Release(timeout ? Outcome::kTimeout : Outcome::kTrap);  // discards the guest: last
  } else {
    pool.Release(Outcome::kOk);
    outcome.result = answer->ok ? MessageResult::kOk : MessageResult::kFailed;
    if (!answer->ok) outcome.error = answer->data;
    outcome.reply = answer->replies && !message.reply.empty();
    outcome.reply_data = std::move(answer->data);
  }
  if (call.replied) outcome.reply = false;
  return outcome;
}

}  // namespace

Entries MessageEntries(std::string_view protocol) {
  if (protocol == "mqtt") return {"MQTT message", kMqttEntries};
  return {"NATS message", kNatsEntries};
}

MessageOutcome HandleMessage(WorkerPool& pool, const Message& message,
                             const std::function<Status(std::string_view)>& send_reply, const MessageLimits& limits,
                             MessageMetrics& metrics) {
  const auto started = std::chrono::steady_clock::now();
  metrics.AddInFlight(1);
  MessageOutcome outcome = Handle(pool, message, send_reply, limits);
  metrics.AddInFlight(-1);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  RecordHandledMessage(message, outcome, seconds, limits, metrics);
  return outcome;
}

void RecordHandledMessage(const Message& message, const MessageOutcome& outcome, double seconds,
                          const MessageLimits& limits, MessageMetrics& metrics) {
  metrics.RecordMessage(outcome.result, seconds);
  if (limits.access_log) LogMessage(message, outcome, seconds);
}

}  // namespace capsule::serve
