// ScanCode: walks every instruction of a code section and reports the ones that change state a reset to a snapshot
// (linear memory and mutable globals) would not restore: tables, dropped segments, shared memory.
#pragma once

#include <cstdint>
#include <span>

#include "capsule/result.h"

namespace capsule::internal {

// What a module's code can do, as far as resetting an instance is concerned.
struct CodeFacts {
  bool mutates_tables = false;  // table.set/init/copy/grow/fill or elem.drop
  bool drops_segments = false;  // data.drop or elem.drop
  bool uses_atomics = false;    // any 0xFE (threads) instruction
};

// Decodes every function body of a code section body (the bytes after the section id and size), immediates
// included. Fails with kInvalidModule on truncated input, an opcode it does not know or a body that does not end
// exactly at its final `end`, so that a caller can treat "unknown" as "not resettable". It frames instructions; it
// does not validate them (types, indices, alignment are the engine's business).
Result<CodeFacts> ScanCode(std::span<const uint8_t> code_section_body);

// Whether an instruction starts at byte `offset` of one function body (its locals included; the bytes after its
// size), decoding the body from its start.
bool InstructionStartsAt(std::span<const uint8_t> function_body, size_t offset);

}  // namespace capsule::internal
