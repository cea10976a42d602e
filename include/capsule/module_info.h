/// @file
/// What a module declares: its imports, exports, tables, memories and globals, with their types. Read from the binary
/// by our own parser, the same for every backend.
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

/// Kind of an import or export.
enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3, kTag = 4 };

/// Text name of an extern kind ("func", "memory", ...).
const char* ExternKindName(ExternKind k);

/// Size limits of a memory (in 64 KiB pages) or a table (in elements).
struct Limits {
  uint64_t min = 0;             ///< the initial size
  std::optional<uint64_t> max;  ///< the maximum, when declared

  bool operator==(const Limits&) const = default;  ///< member by member
  /// Whether an object of these limits may be imported where `wanted` is declared (the spec's limits matching):
  /// at least wanted.min, and a maximum no larger than wanted.max when that is set.
  bool Matches(const Limits& wanted) const;
  /// "1", "1..2"
  std::string ToString() const;
};

/// The type of a global: its value type and whether it may be set.
struct GlobalType {
  ValType type = ValType::kI32;  ///< the value type
  bool is_mutable = false;       ///< whether global.set may change it

  bool operator==(const GlobalType&) const = default;  ///< member by member
  /// "i32", "mut f64"
  std::string ToString() const;
};

/// The type of a table: its element type (funcref or externref) and its limits in elements.
struct TableType {
  ValType element = ValType::kFuncRef;  ///< funcref or externref
  Limits limits;                        ///< in elements

  bool operator==(const TableType&) const = default;  ///< member by member
  /// "funcref 10..20"
  std::string ToString() const;
};

/// One import: "module"."name" of some kind and the type it asks for: func_type for a function, limits for a memory
/// or a table, element for a table, global for a global.
struct ImportInfo {
  std::string module;                   ///< the import module name
  std::string name;                     ///< the import name
  ExternKind kind = ExternKind::kFunc;  ///< function, table, memory or global
  FuncType func_type{};                 ///< for a function
  Limits limits{};                      ///< for a memory (pages) or a table (elements)
  ValType element = ValType::kFuncRef;  ///< for a table
  GlobalType global{};                  ///< for a global
};

/// One export: its name, kind, index in that kind's index space (imports first) and its declared type, in the
/// fields ImportInfo uses.
struct ExportInfo {
  std::string name;                     ///< the export name
  ExternKind kind = ExternKind::kFunc;  ///< function, table, memory or global
  FuncType func_type{};                 ///< for a function
  uint32_t index = 0;                   ///< in its kind's index space (imports first)
  Limits limits{};                      ///< for a memory (pages) or a table (elements)
  ValType element = ValType::kFuncRef;  ///< for a table
  GlobalType global{};                  ///< for a global
};

/// What an engine saves and restores to reset an instance (Instance::SaveState): the module's linear memory and
/// the mutable globals it defines. Guest code cannot change any other state when not_resettable is empty: it has
/// no table-mutating, segment-dropping or atomic instructions, and imports no memory, table or mutable global.
struct StateLayout {
  std::string not_resettable;  ///< why the state cannot be saved and restored whole; empty when it can
  /// One mutable global of the saved state.
  struct Global {
    uint32_t index = 0;            ///< in the global index space
    ValType type = ValType::kI32;  ///< its value type
  };
  std::vector<Global> mutable_globals;  ///< every mutable global the module defines (i32, i64, f32 or f64)
};

/// The export name under which ParsedModule::bytes exports defined mutable global `index` for the engine's
/// SaveState / RestoreState; not listed in ModuleInfo::exports.
std::string StateGlobalExportName(uint32_t index);

/// Everything the parser learned about a module.
struct ModuleInfo {
  std::vector<ImportInfo> imports;  ///< in declaration order
  std::vector<ExportInfo> exports;  ///< in declaration order
  std::vector<Limits> memories;     ///< imported memories first, then defined ones, as in the index space
  std::vector<TableType> tables;    ///< likewise
  std::vector<GlobalType> globals;  ///< likewise
  StateLayout state;                ///< what SaveState and RestoreState cover

  /// The export of that name, or nullptr.
  const ExportInfo* FindExport(std::string_view name) const;
  /// Whether a function of that name is exported.
  bool ExportsFunc(std::string_view name) const;
};

/// A parsed module binary, ready to hand to a backend.
struct ParsedModule {
  ModuleInfo info;  ///< what the module declares
  /// The bytes to compile: the input, with every defined memory's maximum lowered to the cap when one was given
  /// and, when the state is resettable, every mutable global exported as StateGlobalExportName(index).
  std::vector<uint8_t> bytes;
};

/// Parses the module structure (header, types, imports, functions, tables, memories, globals, exports), applies the
/// memory cap (0 = none) and works out the StateLayout (scanning the code for what would make a reset unsound). Does
/// not validate code bodies: the backend does. Errors: kInvalidModule, kResourceLimit.
Result<ParsedModule> ParseModule(std::span<const uint8_t> wasm, uint32_t max_memory_pages);

}  // namespace capsule
