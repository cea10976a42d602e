// The function compiler: validates one function body (the WebAssembly 2.0 typing rules) and translates it into
// FunctionCode in the same pass.
#pragma once

#include <cstdint>

#include "capsule/result.h"
#include "engine/interp/code.h"
#include "engine/interp/module_desc.h"

namespace capsule::internal::interp {

// Validates and translates defined function `index` of module. handlers are the executor's handler offsets
// (HandlerOffsets); with nullptr the function is only validated and the code returned is not runnable.
// Errors: kInvalidModule naming the function.
Result<FunctionCode> CompileFunction(const ModuleDesc& module, uint32_t index, const int32_t* handlers);

}  // namespace capsule::internal::interp
