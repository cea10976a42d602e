// How a message runner hands one message to the calling worker's guest: the entry the module serves messages
// through, the MessageCall that lets hostNatsReply answer it, the limits, and what the runner must do next (reply,
// ack or nak) and record. Shared by capsule-nats and capsule-mqtt.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "capsule/message_abi.h"
#include "serve/message_metrics.h"
#include "serve/worker_pool.h"

namespace capsule::serve {

// Exports a module can serve messages through, for CompileModuleVersion (MessageEntryOf picks among them).
Entries MessageEntries(std::string_view protocol);

// How one message's handling ended, and the reply it asks for.
struct MessageOutcome {
  MessageResult result = MessageResult::kOk;
  std::string error;       // why, unless kOk
  bool reply = false;      // send reply_data to the message's reply subject / response topic
  std::string reply_data;  // the S payload, or the error message (then with the Capsule-Error header)
};

// What HandleMessage needs besides the message.
struct MessageLimits {
  uint64_t max_payload = 0;  // a larger payload is rejected without calling the module; 0: no limit
  bool access_log = false;   // print one JSON line per message on stderr
};

// Handles message on the calling worker (WorkerPool::Acquire / Release), recording it in metrics. send_reply
// carries out a hostNatsReply during the call (it must publish to message.reply). Never fails: every error is
// an outcome. The outcome asks for a reply only when message.reply is set and the module did not reply itself:
// the S payload or F message of a replying entry, or the error of a trap, timeout or rejection. Once the runner
// replied (and acked), it calls pool.Prepare() so that the next message finds its instance ready.
MessageOutcome HandleMessage(WorkerPool& pool, const Message& message,
                             const std::function<Status(std::string_view)>& send_reply, const MessageLimits& limits,
                             MessageMetrics& metrics);

// Records one handled message in metrics (its result and duration) and, with limits.access_log, prints its JSON access
// line on stderr. HandleMessage does this itself; a runner that handles messages another way calls it.
void RecordHandledMessage(const Message& message, const MessageOutcome& outcome, double seconds,
                          const MessageLimits& limits, MessageMetrics& metrics);

}  // namespace capsule::serve
