// The trap wordings of capsule/trap.h.
#include "capsule/trap.h"

#include <array>

namespace capsule {
namespace {

constexpr std::array<std::string_view, 12> kWordings = {
    "unreachable",
    "out of bounds memory access",
    "out of bounds table access",
    "undefined element",
    "uninitialized element",
    "indirect call type mismatch",
    "integer divide by zero",
    "integer overflow",
    "invalid conversion to integer",
    "call stack exhausted",
    "uninitialized element or indirect call type mismatch",
    "integer overflow or invalid conversion to integer",
};

}  // namespace

std::string_view TrapMessage(TrapKind kind) {
  const auto i = static_cast<size_t>(kind);
  return i < kWordings.size() ? kWordings[i] : "trap";
}

std::string TrapMessage(TrapKind kind, std::string_view details) {
  std::string message(TrapMessage(kind));
  if (!details.empty()) message.append(" (").append(details).append(")");
  return message;
}

std::optional<TrapKind> TrapKindOf(std::string_view message) {
  std::optional<TrapKind> best;
  size_t best_length = 0;
  for (size_t i = 0; i < kWordings.size(); ++i) {
    const std::string_view w = kWordings[i];
    if (w.size() > best_length && message.starts_with(w)) {
      best = static_cast<TrapKind>(i);
      best_length = w.size();
    }
  }
  return best;
}

bool TrapMayBe(TrapKind reported, TrapKind actual) {
  if (reported == actual) return true;
  switch (reported) {
    case TrapKind::kUninitializedOrTypeMismatch:
      return actual == TrapKind::kUninitializedElement || actual == TrapKind::kIndirectCallTypeMismatch;
    case TrapKind::kOverflowOrInvalidConversion:
      return actual == TrapKind::kIntegerOverflow || actual == TrapKind::kInvalidConversionToInteger;
    default: return false;
  }
}

}  // namespace capsule
