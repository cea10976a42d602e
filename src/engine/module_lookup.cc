// OpcodeAt and V128GlobalInit: walk the sections, count the imports, and read the one item asked about.
#include "engine/module_lookup.h"

#include <algorithm>

#include "engine/binary_reader.h"
#include "engine/code_scan.h"

namespace capsule::internal {
namespace {

constexpr uint8_t kImportSection = 2;
constexpr uint8_t kGlobalSection = 6;
constexpr uint8_t kCodeSection = 10;

// The imported functions and globals of an import section.
struct ImportCounts {
  uint32_t functions = 0;
  uint32_t globals = 0;
};

bool SkipLimits(BinaryReader& r) {
  auto flags = r.Byte();
  if (!flags || !r.U64()) return false;
  return !(*flags & 1) || r.U64().has_value();
}

std::optional<ImportCounts> CountImports(std::span<const uint8_t> body) {
  BinaryReader r(body);
  auto count = r.U32();
  if (!count) return std::nullopt;
  ImportCounts counts;
  for (uint32_t i = 0; i < *count; ++i) {
    if (!r.Name() || !r.Name()) return std::nullopt;
    auto kind = r.Byte();
    if (!kind) return std::nullopt;
    bool ok = false;
    switch (*kind) {
      case 0:  // function: type index
        ok = r.U32().has_value();
        ++counts.functions;
        break;
      case 1: ok = r.Byte() && SkipLimits(r); break;  // table: element type, limits
      case 2: ok = SkipLimits(r); break;              // memory
      case 3: ok = r.Byte() && r.Byte(); break;       // global: value type, mutability
      case 4: ok = r.Byte() && r.U32(); break;        // tag: attribute, type index
    }
    if (!ok) return std::nullopt;
  }
  return counts;
}

// The body of section id of a module, after walking the sections before it; counts receives the imports.
std::optional<std::span<const uint8_t>> FindSection(std::span<const uint8_t> wasm, uint8_t wanted, ImportCounts& counts,
                                                    size_t* body_offset) {
  if (wasm.size() < 8) return std::nullopt;
  BinaryReader r(wasm.subspan(8));
  while (!r.at_end()) {
    auto id = r.Byte();
    auto size = r.U32();
    const size_t start = 8 + r.offset();
    auto body = size ? r.Bytes(*size) : std::nullopt;
    if (!id || !body) return std::nullopt;
    if (*id == kImportSection) {
      auto n = CountImports(*body);
      if (!n) return std::nullopt;
      counts = *n;
    }
    if (*id == wanted) {
      *body_offset = start;
      return body;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<uint8_t> OpcodeAt(std::span<const uint8_t> wasm, uint32_t func_index, uint64_t offset) {
  ImportCounts imported;
  size_t body_start = 0;
  auto body = FindSection(wasm, kCodeSection, imported, &body_start);
  if (!body || func_index < imported.functions) return std::nullopt;
  BinaryReader code(*body);
  auto count = code.U32();
  if (!count || func_index - imported.functions >= *count) return std::nullopt;
  for (uint32_t i = 0;; ++i) {
    auto body_size = code.U32();
    const uint64_t start = body_start + code.offset();
    auto function_body = body_size ? code.Bytes(*body_size) : std::nullopt;
    if (!function_body) return std::nullopt;
    if (i == func_index - imported.functions) {
      if (offset < start || offset >= start + *body_size) return std::nullopt;
      if (!InstructionStartsAt(*function_body, offset - start)) return std::nullopt;
      return wasm[offset];
    }
  }
}

std::optional<V128> V128GlobalInit(std::span<const uint8_t> wasm, uint32_t global_index) {
  ImportCounts imported;
  size_t body_start = 0;
  auto body = FindSection(wasm, kGlobalSection, imported, &body_start);
  if (!body || global_index < imported.globals) return std::nullopt;
  BinaryReader r(*body);
  auto count = r.U32();
  if (!count || global_index - imported.globals >= *count) return std::nullopt;
  for (uint32_t i = 0; i < *count; ++i) {
    if (!r.Byte() || !r.Byte()) return std::nullopt;  // value type, mutability
    if (i < global_index - imported.globals) {
      if (!SkipConstExpr(r)) return std::nullopt;
      continue;
    }
    // v128.const (0xfd 12) and 16 bytes, then end.
    if (r.Byte() != 0xfd || r.U32() != 12u) return std::nullopt;
    auto bytes = r.Bytes(16);
    if (!bytes || r.Byte() != 0x0b) return std::nullopt;
    V128 v;
    std::copy(bytes->begin(), bytes->end(), v.bytes);
    return v;
  }
  return std::nullopt;
}

}  // namespace capsule::internal
