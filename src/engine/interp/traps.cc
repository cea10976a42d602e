#include "engine/interp/traps.h"

namespace capsule::internal::interp {

const char* TrapMessage(TrapCode code) {
  switch (code) {
    case TrapCode::kOk: return "no trap";
    case TrapCode::kUnreachable: return "unreachable";
    case TrapCode::kMemoryOutOfBounds: return "out of bounds memory access";
    case TrapCode::kTableOutOfBounds: return "out of bounds table access";
    case TrapCode::kUndefinedElement: return "undefined element";
    case TrapCode::kUninitializedElement: return "uninitialized element";
    case TrapCode::kIndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapCode::kDivideByZero: return "integer divide by zero";
    case TrapCode::kIntegerOverflow: return "integer overflow";
    case TrapCode::kInvalidConversion: return "invalid conversion to integer";
    case TrapCode::kCallStackExhausted: return "call stack exhausted";
    case TrapCode::kNullReference: return "null reference";
    case TrapCode::kInterrupted: return "guest interrupted";
    case TrapCode::kHostError: return "host function failed";
    case TrapCode::kInternal: return "internal interpreter error";
  }
  return "trap";
}

Error TrapError(TrapCode code) {
  if (code == TrapCode::kInterrupted) return Fail(ErrorCode::kInterrupted, TrapMessage(code));
  if (code == TrapCode::kInternal) return Fail(ErrorCode::kInternal, TrapMessage(code));
  return Fail(ErrorCode::kTrap, TrapMessage(code));
}

}  // namespace capsule::internal::interp
