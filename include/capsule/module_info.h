// What a module declares: its imports, exports, tables, memories and globals, with their types. Read from the binary
// by our own parser, the same for every backend.
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

  bool operator==(const Limits&) const = default;
  // Whether an object of these limits may be imported where `wanted` is declared (the spec's limits matching):
  // at least wanted.min, and a maximum no larger than wanted.max when that is set.
  bool Matches(const Limits& wanted) const;
  // "1", "1..2"
  std::string ToString() const;
};

// The type of a global: its value type and whether it may be set.
struct GlobalType {
  ValType type = ValType::kI32;
  bool is_mutable = false;

  bool operator==(const GlobalType&) const = default;
  // "i32", "mut f64"
  std::string ToString() const;
};

// The type of a table: its element type (funcref or externref) and its limits in elements.
struct TableType {
  ValType element = ValType::kFuncRef;
  Limits limits;

  bool operator==(const TableType&) const = default;
  // "funcref 10..20"
  std::string ToString() const;
};

// One import: "module"."name" of some kind and the type it asks for: func_type for a function, limits for a memory
// or a table, element for a table, global for a global.
struct ImportInfo {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  FuncType func_type{};
  Limits limits{};
  ValType element = ValType::kFuncRef;
  GlobalType global{};
};

// One export: its name, kind, index in that kind's index space (imports first) and its declared type, in the
// fields ImportInfo uses.
struct ExportInfo {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  FuncType func_type{};
  uint32_t index = 0;
  Limits limits{};
  ValType element = ValType::kFuncRef;
  GlobalType global{};
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
  std::vector<Limits> memories;     // imported memories first, then defined ones, as in the index space
  std::vector<TableType> tables;    // likewise
  std::vector<GlobalType> globals;  // likewise
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

// Parses the module structure (header, types, imports, functions, tables, memories, globals, exports), applies the
// memory cap (0 = none) and works out the StateLayout (scanning the code for what would make a reset unsound). Does not
// validate code bodies: the backend does. Errors: kInvalidModule, kResourceLimit.
Result<ParsedModule> ParseModule(std::span<const uint8_t> wasm, uint32_t max_memory_pages);

}  // namespace capsule
