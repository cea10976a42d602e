// Why a call into the interpreter stopped: the WebAssembly traps and the interpreter's own limits, and the Error
// each one becomes at the API (trap messages in the wording of capsule/trap.h).
#pragma once

#include <cstdint>
#include <string_view>

#include "capsule/result.h"

namespace capsule::internal::interp {

// The outcome of running guest code. kOk and kHostError are not traps: kHostError means a host function failed
// and its Error is waiting in the calling thread's Executor.
enum class TrapCode : uint8_t {
  kOk,
  kUnreachable,
  kMemoryOutOfBounds,
  kTableOutOfBounds,
  kUndefinedElement,
  kUninitializedElement,
  kIndirectCallTypeMismatch,
  kDivideByZero,
  kIntegerOverflow,
  kInvalidConversion,
  kCallStackExhausted,
  kInterrupted,
  kHostError,
  kInternal,
};

// The Error a stop becomes at the API: kTrap with TrapMessage(kind, details) (the interpreter tells every trap of
// trap.h apart, so never a two-trap kind), kInterrupted, kInternal. Not for kOk or kHostError.
Error TrapError(TrapCode code, std::string_view details = {});

}  // namespace capsule::internal::interp
