// ModuleDesc: everything the interpreter needs of a module binary, decoded and checked once by DecodeModule.
// Function bodies are kept as byte ranges; the FunctionCompiler validates and translates them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "capsule/module_info.h"
#include "capsule/result.h"
#include "capsule/values.h"

namespace capsule::internal::interp {

// A constant expression (global initializer, segment offset, element item): one instruction before `end`.
struct ConstExpr {
  enum class Kind : uint8_t { kConst, kGlobalGet, kRefNull, kRefFunc } kind = Kind::kConst;
  ValType type = ValType::kI32;  // the value's type
  uint64_t bits = 0;             // kConst: the value's bits (a v128's low half)
  uint32_t index = 0;            // kGlobalGet: global index; kRefFunc: function index
  uint64_t hi = 0;               // kConst: a v128's high half
};

struct TableDesc {
  ValType elem = ValType::kFuncRef;
  Limits limits;
};

struct GlobalDesc {
  ValType type = ValType::kI32;
  bool mutable_ = false;
  ConstExpr init;  // defined globals only
};

// One import, with its index in the space of its kind (functions, tables, memories, globals).
struct ImportDesc {
  std::string module, name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
};

struct ExportDesc {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
};

struct ElemSegment {
  enum class Mode : uint8_t { kActive, kPassive, kDeclarative } mode = Mode::kActive;
  uint32_t table = 0;
  ConstExpr offset;
  ValType type = ValType::kFuncRef;
  std::vector<ConstExpr> items;
};

struct DataSegment {
  bool active = true;
  uint32_t memory = 0;
  ConstExpr offset;
  uint32_t begin = 0, size = 0;  // the bytes, in ModuleDesc::bytes
};

// A function body: its bytes (local declarations and code) in ModuleDesc::bytes.
struct BodyRange {
  uint32_t begin = 0, size = 0;
};

struct ModuleDesc {
  std::vector<uint8_t> bytes;  // the module binary the ranges point into
  std::vector<FuncType> types;
  std::vector<uint32_t> type_ids;    // per type: process-wide id of its signature (see CanonicalTypeId)
  std::vector<uint32_t> func_types;  // type index of every function, imported ones first
  uint32_t imported_funcs = 0;
  std::vector<TableDesc> tables;  // imported first
  uint32_t imported_tables = 0;
  std::vector<Limits> memories;  // imported first; at most one
  uint32_t imported_memories = 0;
  std::vector<GlobalDesc> globals;  // imported first
  uint32_t imported_globals = 0;
  std::vector<ImportDesc> imports;
  std::vector<ExportDesc> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<BodyRange> bodies;     // of the defined functions
  std::vector<bool> declared_funcs;  // functions ref.func may name (in elements, exports, global initializers)

  const FuncType& func_type(uint32_t func) const { return types[func_types[func]]; }
};

// A process-wide number for a signature: two types get the same id exactly when they are equal, so call_indirect
// compares signatures of functions from different modules with one integer comparison.
uint32_t CanonicalTypeId(const FuncType& type);

// Decodes and checks a module binary: section order and sizes, every index, limit, import, export, segment and
// constant expression. Function bodies are only framed. Errors: kInvalidModule.
Result<ModuleDesc> DecodeModule(std::vector<uint8_t> bytes);

}  // namespace capsule::internal::interp
