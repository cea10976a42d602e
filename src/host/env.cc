// hostGetEnv: environment variables for the guest, through HostOptions::env, filtered by policy.env_allow.
#include <string>

#include "host/group.h"

namespace capsule {

void AddEnvHostFunctions(Linker& linker, const host::SharedOptions& options) {
  // (name ptr, len, retPtrPtr, retLenPtr): the current ABI answers the raw value ("" when unset, no S/F);
  // capsulemodule answered "[ERR][0]:<NAME> is empty" for an unset or empty variable.
  DefineCapsuleHostFunction(linker, "hostGetEnv", 4, [options](Caller& caller, std::span<const uint32_t> a) {
    auto name = ReadGuestBytes(caller, a[0], a[1]);
    if (!name) return Status(name.take_error());
    std::string value = options->policy.EnvAllowed(*name) ? options->env(*name).value_or("") : "";
    if (value.empty() && InstanceAbi(caller.instance()) == AbiKind::kLegacy)
      value = HostFailure(AbiKind::kLegacy, *name + " is empty");
    return ReturnBytesToGuest(caller, a[2], a[3], value);
  });
}

}  // namespace capsule
