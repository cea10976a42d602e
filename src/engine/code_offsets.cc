// OpcodeAt: walks the import section (to count imported functions) and the code section's body sizes.
#include "engine/code_offsets.h"

#include "engine/binary_reader.h"

namespace capsule::internal {
namespace {

constexpr uint8_t kImportSection = 2;
constexpr uint8_t kCodeSection = 10;

bool SkipLimits(BinaryReader& r) {
  auto flags = r.Byte();
  if (!flags || !r.U64()) return false;
  return !(*flags & 1) || r.U64().has_value();
}

// The number of function imports in an import section body, or nullopt.
std::optional<uint32_t> CountFunctionImports(std::span<const uint8_t> body) {
  BinaryReader r(body);
  auto count = r.U32();
  if (!count) return std::nullopt;
  uint32_t functions = 0;
  for (uint32_t i = 0; i < *count; ++i) {
    if (!r.Name() || !r.Name()) return std::nullopt;
    auto kind = r.Byte();
    if (!kind) return std::nullopt;
    bool ok = false;
    switch (*kind) {
      case 0:  // function: type index
        ok = r.U32().has_value();
        ++functions;
        break;
      case 1: ok = r.Byte() && SkipLimits(r); break;  // table: element type, limits
      case 2: ok = SkipLimits(r); break;              // memory
      case 3: ok = r.Byte() && r.Byte(); break;       // global: value type, mutability
      case 4: ok = r.Byte() && r.U32(); break;        // tag: attribute, type index
    }
    if (!ok) return std::nullopt;
  }
  return functions;
}

}  // namespace

std::optional<uint8_t> OpcodeAt(std::span<const uint8_t> wasm, uint32_t func_index, uint64_t offset) {
  if (wasm.size() < 8) return std::nullopt;
  BinaryReader r(wasm.subspan(8));
  uint32_t imported = 0;
  while (!r.at_end()) {
    auto id = r.Byte();
    auto size = r.U32();
    const size_t body_start = 8 + r.offset();
    auto body = size ? r.Bytes(*size) : std::nullopt;
    if (!id || !body) return std::nullopt;
    if (*id == kImportSection) {
      auto n = CountFunctionImports(*body);
      if (!n) return std::nullopt;
      imported = *n;
    }
    if (*id != kCodeSection) continue;
    if (func_index < imported) return std::nullopt;
    BinaryReader code(*body);
    auto count = code.U32();
    if (!count || func_index - imported >= *count) return std::nullopt;
    for (uint32_t i = 0;; ++i) {
      auto body_size = code.U32();
      const uint64_t start = body_start + code.offset();
      if (!body_size || !code.Bytes(*body_size)) return std::nullopt;
      if (i == func_index - imported) {
        if (offset < start || offset >= start + *body_size) return std::nullopt;
        return wasm[offset];
      }
    }
  }
  return std::nullopt;
}

}  // namespace capsule::internal
