// hostGreet: this runner's own host function. One file, registered with one call (AddGreetHostFunction); the same
// code answers current (S/F) and legacy (plain string) modules.
#include "greet_host.h"

#include "capsule/abi.h"

namespace greet {

void AddGreetHostFunction(capsule::Linker& linker, std::string greeting) {
  // (name ptr, len, retPtrPtr, retLenPtr): S + "<greeting>, <name>!", or F when the name is empty.
  capsule::DefineCapsuleHostFunction(
      linker, "hostGreet", 4, [greeting](capsule::Caller& caller, std::span<const uint32_t> a) {
        auto name = capsule::ReadGuestBytes(caller, a[0], a[1]);
        if (!name) return capsule::Status(name.take_error());
        capsule::AbiKind kind = capsule::InstanceAbi(caller.instance());
        std::string reply = name->empty() ? capsule::HostFailure(kind, "hostGreet needs a name")
                                          : capsule::HostSuccess(kind, greeting + ", " + *name + "!");
        return capsule::ReturnBytesToGuest(caller, a[2], a[3], reply);
      });
}

}  // namespace greet
