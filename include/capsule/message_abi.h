/// @file
/// The messaging side of the Capsule module ABI: how a message from a broker (NATS, MQTT) is handed to a module,
/// and what its answer means. Independent of any broker library: runners translate to and from these structs.
///
/// Entries, in the order a runner looks for them (MessageEntryOf):
///   callHandleMessage(ptr, len) -> i64   current ABI, richer: the message as a JSON envelope
///                                        (EncodeMessageEnvelope; docs/messaging.md); answers S+reply / F+error
///   callNatsMessageHandle / callMqttMessageHandle(ptr, len) -> i64
///                                        legacy capsulemodule (v0.2.x-v0.3.3): the payload in, the answer ignored
///                                        (such modules reply with hostNatsReply)
///   callHandle(ptr, len) -> i64          current ABI: the payload in, S+reply / F+error out
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capsule/abi.h"
#include "capsule/engine.h"
#include "capsule/module_info.h"
#include "capsule/result.h"

namespace capsule {

/// Headers of a message: NATS 2.2 headers or MQTT 5 user properties. A name may appear several times.
using MessageHeaders = std::vector<std::pair<std::string, std::string>>;

/// A message as a module sees it.
struct Message {
  std::string protocol;          ///< "nats" or "mqtt"
  std::string subject;           ///< the NATS subject or the MQTT topic it was published to
  std::string reply;             ///< the NATS reply subject or MQTT 5 response topic; empty when none
  MessageHeaders headers;        ///< NATS headers, MQTT 5 user properties
  std::string data;              ///< the payload, any bytes
  int qos = 0;                   ///< MQTT: the QoS it was delivered with
  bool retain = false;           ///< MQTT: a retained message
  std::string stream;            ///< JetStream: the stream it comes from; empty for core NATS and MQTT
  uint64_t sequence = 0;         ///< JetStream: its stream sequence
  uint64_t deliveries = 0;       ///< JetStream: how many times it was delivered, this time included (1 the first time)
  std::string correlation_data;  ///< MQTT 5: what a reply to it must carry back (not shown to the module)
};

/// The entry a module serves messages through.
enum class MessageEntry : uint8_t {
  kNone,      ///< none of them: the module cannot serve messages
  kEnvelope,  ///< callHandleMessage: the JSON envelope in, S/F out
  kLegacy,    ///< callNatsMessageHandle or callMqttMessageHandle: the payload in, the answer ignored
  kHandle,    ///< callHandle: the payload in, S/F out
};

/// The export name of entry for protocol ("callNatsMessageHandle" for a legacy NATS module, ...).
std::string_view MessageEntryName(MessageEntry entry, std::string_view protocol);

/// The best entry module exports for protocol ("nats", "mqtt"), by the order above.
MessageEntry MessageEntryOf(const ModuleInfo& module, std::string_view protocol);

/// The JSON object callHandleMessage receives:
/// {"Protocol":"nats","Subject":"s","Reply":"r","Headers":{"K":["v",...]},"Data":"<text>","DataBase64":"<b64>",
///  "QoS":0,"Retain":false,"Stream":"","Sequence":0,"Deliveries":0}
/// Strings are escaped as Go's encoding/json escapes them; Data is the payload as text (bytes that are not UTF-8
/// become U+FFFD), DataBase64 the exact bytes in standard base64. Headers keep their order and repeated names.
std::string EncodeMessageEnvelope(const Message& message);

/// What a message handler answered.
struct MessageAnswer {
  bool ok = true;        ///< S (or a legacy handler that returned); false for F
  bool replies = false;  ///< whether the answer is meant as the reply: true for the S/F entries, false for legacy
  std::string data;      ///< the S payload, or the F message
};

/// Calls entry with message (placing its input with the guest's malloc, as every Capsule handler) and decodes the
/// answer. Errors are the call's (kTrap, kInterrupted, kExit, ...) or kNotFound for kNone.
Result<MessageAnswer> CallMessageHandler(Instance& instance, MessageEntry entry, const Message& message,
                                         const CallOptions& options = {});

/// The header a reply carries when the handler failed (F, a trap, a timeout): "Capsule-Error", its value the
/// error message on one line (control characters but tab, CR and LF and NUL among them, replaced by spaces), cut to
/// at most 1,000 bytes at a UTF-8 character boundary.
inline constexpr std::string_view kCapsuleErrorHeader = "Capsule-Error";
/// The value of kCapsuleErrorHeader for message.
std::string CapsuleErrorHeaderValue(std::string_view message);

}  // namespace capsule
