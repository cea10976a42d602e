/// @file
/// Why a guest trapped, in the words of the WebAssembly specification. The one list of trap wordings: every backend
/// builds its kTrap messages from it, so the same trap reads the same on every backend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace capsule {

/// The traps of WebAssembly 2.0. A kTrap error a backend raises for one of them has the message
/// TrapMessage(kind), optionally followed by " (" details ")"; a trap a host function caused carries its own message.
enum class TrapKind : uint8_t {
  kUnreachable,                 ///< "unreachable": the unreachable instruction
  kMemoryOutOfBounds,           ///< "out of bounds memory access": loads, stores, bulk memory, data segments
  kTableOutOfBounds,            ///< "out of bounds table access": table instructions, element segments
  kUndefinedElement,            ///< "undefined element": call_indirect past the end of the table
  kUninitializedElement,        ///< "uninitialized element": call_indirect of a null element
  kIndirectCallTypeMismatch,    ///< "indirect call type mismatch": call_indirect of a function of another type
  kIntegerDivideByZero,         ///< "integer divide by zero"
  kIntegerOverflow,             ///< "integer overflow": signed division overflow, truncation out of range
  kInvalidConversionToInteger,  ///< "invalid conversion to integer": truncation of a NaN
  kCallStackExhausted,          ///< "call stack exhausted": recursion too deep
  /// For backends that cannot tell two traps apart (V8 reports each pair as one trap):
  kUninitializedOrTypeMismatch,  ///< "uninitialized element or indirect call type mismatch"
  kOverflowOrInvalidConversion,  ///< "integer overflow or invalid conversion to integer": a truncation trapped
};

/// The wording of a trap kind, as above.
std::string_view TrapMessage(TrapKind kind);

/// A kTrap message for kind: its wording, then " (" details ")" when details are given.
std::string TrapMessage(TrapKind kind, std::string_view details);

/// The kind whose wording a kTrap message starts with (the longest such), or nullopt (a host function's own).
std::optional<TrapKind> TrapKindOf(std::string_view message);

/// Whether a trap reported as `reported` may have been `actual`: the same kind, or a two-trap kind that includes it.
bool TrapMayBe(TrapKind reported, TrapKind actual);

}  // namespace capsule
