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

// What an engine saves and restores to reset an instance (Instance::SaveState): the module's linear memory and
// the mutable globals it defines. Guest code cannot change any other state when not_resettable is empty: it has
// no table-mutating, segment-dropping or atomic instructions, and imports no memory, table or mutable global.
struct StateLayout {
  std::string not_resettable;  // why the state cannot be saved and restored whole; empty when it can
  struct Global {
    uint32_t index = 0;  // in the global index space
    ValType type = ValType::kI32;
  };
  std::vector<Global> mutable_globals;  // every mutable global the module defines (i32, i64, f32 or f64)
};

// The export name under which ParsedModule::bytes exports defined mutable global `index` for the engine's
// SaveState / RestoreState; not listed in ModuleInfo::exports.
std::string StateGlobalExportName(uint32_t index);

// Everything the parser learned about a module.
struct ModuleInfo {
  std::vector<ImportInfo> imports;
  std::vector<ExportInfo> exports;
  std::vector<Limits> memories;  // imported memories first, then defined ones, as in the index space
  StateLayout state;

  // The export of that name, or nullptr.
  const ExportInfo* FindExport(std::string_view name) const;
  // Whether a function of that name is exported.
  bool ExportsFunc(std::string_view name) const;
};

// A parsed module binary, ready to hand to a backend.
struct ParsedModule {
  ModuleInfo info;
  // The bytes to compile: the input, with every defined memory's maximum lowered to the cap when one was given
  // and, when the state is resettable, every mutable global exported as StateGlobalExportName(index).
  std::vector<uint8_t> bytes;
};

// Parses the module structure (header, types, imports, functions, memories, globals, exports), applies the memory
// cap (0 = none) and works out the StateLayout (scanning the code for what would make a reset unsound). Does not
// validate code bodies: the backend does. Errors: kInvalidModule, kResourceLimit.
Result<ParsedModule> ParseModule(std::span<const uint8_t> wasm, uint32_t max_memory_pages);

}  // namespace capsule
