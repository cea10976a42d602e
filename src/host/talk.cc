// hostTalk: Capsule's demonstration host function, a message in and a fixed greeting back.
#include <string>

#include "host/group.h"

namespace capsule {

void AddTalkHostFunctions(Linker& linker, const host::SharedOptions& options) {
  // (msg ptr, len, retPtrPtr, retLenPtr): prints the guest's message, answers options->talk_reply (raw bytes).
  DefineCapsuleHostFunction(linker, "hostTalk", 4, [options](Caller& caller, std::span<const uint32_t> a) {
    auto message = ReadGuestBytes(caller, a[0], a[1]);
    if (!message) return Status(message.take_error());
    options->out("\xF0\x9F\x9F\xA3 message from the WASM module: " + *message + "\n");
    return ReturnBytesToGuest(caller, a[2], a[3], options->talk_reply);
  });
}

}  // namespace capsule
