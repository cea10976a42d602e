// What a module declares: its imports, exports and memories. Read from the binary by our own parser, the same
// for every backend.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "capsule/result.h"
#include "capsule/values.h"

namespace capsule {

// Kind of an import or export.
enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3, kTag = 4 };

// Text name of an extern kind ("func", "memory", ...).
const char* ExternKindName(ExternKind k);

// Size limits of a memory (in 64 KiB pages) or a table (in elements).
struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
};

// One import: "module"."name" of some kind; func_type is set for functions, limits for memories and tables.
struct ImportInfo {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  FuncType func_type;
  Limits limits;
};

// One export; func_type is set for functions.
struct ExportInfo {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  FuncType func_type;
};

// Everything the parser learned about a module.
struct ModuleInfo {
  std::vector<ImportInfo> imports;
  std::vector<ExportInfo> exports;
  std::vector<Limits> memories;  // imported memories first, then defined ones, as in the index space

  // The export of that name, or nullptr.
  const ExportInfo* FindExport(std::string_view name) const;
  // Whether a function of that name is exported.
  bool ExportsFunc(std::string_view name) const;
};

// A parsed module binary, ready to hand to a backend.
struct ParsedModule {
  ModuleInfo info;
  // The bytes to compile: the input, with every defined memory's maximum lowered to the cap when one was given.
  std::vector<uint8_t> bytes;
};

// Parses the module structure (header, types, imports, functions, memories, exports) and applies the memory cap
// (0 = none). Does not validate code bodies: the backend does. Errors: kInvalidModule, kResourceLimit.
Result<ParsedModule> ParseModule(std::span<const uint8_t> wasm, uint32_t max_memory_pages);

}  // namespace capsule
