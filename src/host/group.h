// What every file of src/host/ shares: the group entry point and small helpers.
#pragma once

#include <memory>
#include <string>

#include "capsule/abi.h"
#include "capsule/host.h"

namespace capsule::host {

// The options every host function of one AddCapsuleHostFunctions call sees.
using SharedOptions = std::shared_ptr<const HostOptions>;

// The message of an errno value as Go prints it ("no such file or directory").
std::string ErrnoText(int error);

}  // namespace capsule::host

namespace capsule {
#define CAPSULE_HOST_GROUP(Name) void Add##Name##HostFunctions(Linker& linker, const host::SharedOptions& options);
#include "host/groups.inc"
#undef CAPSULE_HOST_GROUP
}  // namespace capsule
