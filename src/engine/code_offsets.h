// Where a byte offset of a module falls: which instruction a backend's trap position points at.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace capsule::internal {

// The byte at module offset `offset` of the module binary `wasm`, when that offset lies inside the body of function
// `func_index` (imported functions counted first); nullopt when it does not or the module cannot be read that far.
// For a position a backend reports, that byte is the opcode of the instruction there.
std::optional<uint8_t> OpcodeAt(std::span<const uint8_t> wasm, uint32_t func_index, uint64_t offset);

}  // namespace capsule::internal
