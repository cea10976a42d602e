#include "engine/interp/traps.h"

#include <string>

#include "capsule/trap.h"

namespace capsule::internal::interp {

Error TrapError(TrapCode code, std::string_view details) {
  auto trap = [&](TrapKind kind) { return Fail(ErrorCode::kTrap, TrapMessage(kind, details)); };
  auto with_details = [&](std::string text) {
    if (!details.empty()) text.append(" (").append(details).append(")");
    return text;
  };
  switch (code) {
    case TrapCode::kUnreachable: return trap(TrapKind::kUnreachable);
    case TrapCode::kMemoryOutOfBounds: return trap(TrapKind::kMemoryOutOfBounds);
    case TrapCode::kTableOutOfBounds: return trap(TrapKind::kTableOutOfBounds);
    case TrapCode::kUndefinedElement: return trap(TrapKind::kUndefinedElement);
    case TrapCode::kUninitializedElement: return trap(TrapKind::kUninitializedElement);
    case TrapCode::kIndirectCallTypeMismatch: return trap(TrapKind::kIndirectCallTypeMismatch);
    case TrapCode::kDivideByZero: return trap(TrapKind::kIntegerDivideByZero);
    case TrapCode::kIntegerOverflow: return trap(TrapKind::kIntegerOverflow);
    case TrapCode::kInvalidConversion: return trap(TrapKind::kInvalidConversionToInteger);
    case TrapCode::kCallStackExhausted: return trap(TrapKind::kCallStackExhausted);
    case TrapCode::kInterrupted: return Fail(ErrorCode::kInterrupted, with_details("guest interrupted"));
    case TrapCode::kOk:
    case TrapCode::kHostError:
    case TrapCode::kInternal: break;
  }
  return Fail(ErrorCode::kInternal, with_details("internal interpreter error"));
}

}  // namespace capsule::internal::interp
