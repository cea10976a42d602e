// Constants of the WebAssembly binary format that every reader of modules shares: section ids and value types.
#pragma once

#include <cstdint>
#include <optional>

#include "capsule/values.h"

namespace capsule::internal {

// Section ids (binary format, section 5.5.2). A namespace of their own: readers bring them in with
// `using namespace capsule::internal::section;`.
namespace section {
enum Id : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElement = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
};
}  // namespace section

// The value type a byte encodes (numbers, v128, funcref, externref); nullopt for any other byte.
inline std::optional<ValType> DecodeValType(uint8_t byte) {
  switch (byte) {
    case 0x7f: return ValType::kI32;
    case 0x7e: return ValType::kI64;
    case 0x7d: return ValType::kF32;
    case 0x7c: return ValType::kF64;
    case 0x7b: return ValType::kV128;
    case 0x70: return ValType::kFuncRef;
    case 0x6f: return ValType::kExternRef;
  }
  return std::nullopt;
}

}  // namespace capsule::internal
