// Why a call into the interpreter stopped: the WebAssembly traps and the interpreter's own limits, with the
// message each one reports (the wording of the official spec tests).
#pragma once

#include <cstdint>

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
  kNullReference,
  kInterrupted,
  kHostError,
  kInternal,
};

// The message of a trap ("unreachable", "out of bounds memory access", ...).
const char* TrapMessage(TrapCode code);

// The Error a trap becomes at the API: kTrap with the message, kInterrupted, kInternal.
Error TrapError(TrapCode code);

}  // namespace capsule::internal::interp
