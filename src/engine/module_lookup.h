// Lookups in a compiled module's binary that a backend needs after compilation: the instruction a trap's position
// points at, the constant a global starts with.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "capsule/values.h"

namespace capsule::internal {

// The first byte (the opcode) of the instruction at module offset `offset` of the module binary `wasm`, when an
// instruction of function `func_index` (imported functions counted first) starts there; nullopt when none does or
// the module cannot be read that far.
std::optional<uint8_t> OpcodeAt(std::span<const uint8_t> wasm, uint32_t func_index, uint64_t offset);

// The value a defined global `global_index` (imported globals counted first) of `wasm` is initialized with, when its
// initializer is a single v128.const; nullopt otherwise.
std::optional<V128> V128GlobalInit(std::span<const uint8_t> wasm, uint32_t global_index);

}  // namespace capsule::internal
