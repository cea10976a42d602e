// Hands broker messages to Capsule modules: picks the entry, encodes the envelope, decodes the answer.
#include <algorithm>

#include "capsule/http_abi.h"
#include "capsule/message_abi.h"

namespace capsule {
namespace {

void AppendString(std::string& out, std::string_view key, std::string_view value) {
  out += '"';
  out += key;
  out += "\":\"";
  out += JsonEscape(value);
  out += '"';
}

}  // namespace

std::string_view MessageEntryName(MessageEntry entry, std::string_view protocol) {
  switch (entry) {
    case MessageEntry::kEnvelope: return "callHandleMessage";
    case MessageEntry::kLegacy: return protocol == "mqtt" ? "callMqttMessageHandle" : "callNatsMessageHandle";
    case MessageEntry::kHandle: return "callHandle";
    case MessageEntry::kNone: break;
  }
  return "";
}

MessageEntry MessageEntryOf(const ModuleInfo& module, std::string_view protocol) {
  for (MessageEntry entry : {MessageEntry::kEnvelope, MessageEntry::kLegacy, MessageEntry::kHandle})
    if (module.ExportsFunc(MessageEntryName(entry, protocol))) return entry;
  return MessageEntry::kNone;
}

std::string EncodeMessageEnvelope(const Message& m) {
  std::string out;
  out.reserve(160 + m.subject.size() + m.reply.size() + m.data.size() * 7 / 3);
  out += '{';
  AppendString(out, "Protocol", m.protocol);
  out += ',';
  AppendString(out, "Subject", m.subject);
  out += ',';
  AppendString(out, "Reply", m.reply);
  out += ",\"Headers\":{";
  // One key per name, its values in order of appearance.
  std::vector<bool> done(m.headers.size(), false);
  bool first = true;
  for (size_t i = 0; i < m.headers.size(); ++i) {
    if (done[i]) continue;
    if (!first) out += ',';
    first = false;
    out += '"' + JsonEscape(m.headers[i].first) + "\":[";
    for (size_t j = i; j < m.headers.size(); ++j) {
      if (done[j] || m.headers[j].first != m.headers[i].first) continue;
      done[j] = true;
      if (j != i) out += ',';
      out += '"' + JsonEscape(m.headers[j].second) + '"';
    }
    out += ']';
  }
  out += "},";
  AppendString(out, "Data", m.data);
  out += ",\"DataBase64\":\"";
  out += EncodeBase64(m.data);
  out += "\",\"QoS\":" + std::to_string(m.qos) + ",\"Retain\":" + (m.retain ? "true" : "false") + ',';
  AppendString(out, "Stream", m.stream);
  out += ",\"Sequence\":" + std::to_string(m.sequence) + ",\"Deliveries\":" + std::to_string(m.deliveries) + '}';
  return out;
}

Result<MessageAnswer> CallMessageHandler(Instance& instance, MessageEntry entry, const Message& message,
                                         const CallOptions& options) {
  if (entry == MessageEntry::kNone)
    return Fail(ErrorCode::kNotFound, "the module exports no message handler (callHandleMessage, " +
                                          std::string(MessageEntryName(MessageEntry::kLegacy, message.protocol)) +
                                          " or callHandle)");
  const std::string_view name = MessageEntryName(entry, message.protocol);
  auto reply = entry == MessageEntry::kEnvelope ? CallHandler(instance, name, EncodeMessageEnvelope(message), options)
                                                : CallHandler(instance, name, message.data, options);
  if (!reply) return reply.take_error();
  MessageAnswer answer;
  answer.ok = reply->ok;
  answer.replies = entry != MessageEntry::kLegacy;
  answer.data = std::move(reply->data);
  return answer;
}

std::string CapsuleErrorHeaderValue(std::string_view message) {
  constexpr size_t kMaxBytes = 1000;
  size_t end = std::min(message.size(), kMaxBytes);
  if (end < message.size())  // not inside a UTF-8 character: back to the start of the one that does not fit
    while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xc0) == 0x80) --end;
  std::string value(message.substr(0, end));
  for (char& c : value)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) c = ' ';
  return value;
}

}  // namespace capsule
