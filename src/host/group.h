// What every file of src/host/ shares: the group entry point and small helpers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "capsule/abi.h"
#include "capsule/host.h"

namespace capsule::host {

// The options every host function of one AddCapsuleHostFunctions call sees.
using SharedOptions = std::shared_ptr<const HostOptions>;

// The message of an errno value as Go prints it ("no such file or directory").
std::string ErrnoText(int error);

// The guest bytes named by the first N (ptr, len) pairs of args, in order. kTrap when one is outside memory.
template <size_t N>
Result<std::array<std::string, N>> ReadGuestStrings(Caller& caller, std::span<const uint32_t> args) {
  std::array<std::string, N> out;
  for (size_t i = 0; i < N; ++i) {
    auto bytes = ReadGuestBytes(caller, args[2 * i], args[2 * i + 1]);
    if (!bytes) return bytes.take_error();
    out[i] = std::move(*bytes);
  }
  return out;
}

}  // namespace capsule::host

namespace capsule {
#define CAPSULE_HOST_GROUP(Name) void Add##Name##HostFunctions(Linker& linker, const host::SharedOptions& options);
#include "host/groups.inc"
#undef CAPSULE_HOST_GROUP
}  // namespace capsule
