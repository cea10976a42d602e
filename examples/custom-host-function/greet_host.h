// The custom host function of the capsule-greet example runner.
#pragma once

#include <string>

#include "capsule/host.h"

namespace greet {

// Registers "env".hostGreet (name ptr, len, ret): answers "<greeting>, <name>!".
void AddGreetHostFunction(capsule::Linker& linker, std::string greeting);

}  // namespace greet
