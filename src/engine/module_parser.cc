// ParseModule: reads the module's structure (types, imports, functions, tables, memories, globals, exports), lowers
// memory maximums to the cap and works out whether instances can be reset (StateLayout). Code bodies are validated by
// the backend; they are only scanned here for the instructions that would make a reset unsound.
#include <cstring>
#include <string>

#include "capsule/module_info.h"
#include "engine/binary_format.h"
#include "engine/binary_reader.h"
#include "engine/code_scan.h"

namespace capsule {
namespace {

using internal::AppendLeb;
using internal::BinaryReader;
using internal::DecodeValType;
using internal::SkipConstExpr;

constexpr uint32_t kMaxPages32 = 65536;
constexpr std::string_view kStateExportPrefix = "capsule:state:global:";

using namespace internal::section;

Error Invalid(const std::string& what, size_t offset) {
  return Fail(ErrorCode::kInvalidModule, "invalid module: " + what + " at byte " + std::to_string(offset));
}

// A table's element type: a reference type.
std::optional<ValType> ReadRefType(BinaryReader& r) {
  auto b = r.Byte();
  if (!b) return std::nullopt;
  auto t = DecodeValType(*b);
  if (!t || !IsRefType(*t)) return std::nullopt;
  return t;
}

// Limits flags: bit 0 = has max, bit 1 = shared, bit 2 = 64-bit.
std::optional<Limits> ReadLimits(BinaryReader& r, uint8_t* flags_out = nullptr) {
  auto flags = r.Byte();
  if (!flags || *flags > 7) return std::nullopt;
  if (flags_out) *flags_out = *flags;
  Limits l;
  auto min = r.U64();
  if (!min) return std::nullopt;
  l.min = *min;
  if (*flags & 1) {
    auto max = r.U64();
    if (!max) return std::nullopt;
    l.max = *max;
  }
  return l;
}

struct Parser {
  std::span<const uint8_t> wasm;
  uint32_t cap;
  std::vector<FuncType> types;
  std::vector<uint32_t> func_types;  // type index of every function, imported ones first
  uint32_t imported_globals = 0;
  uint32_t memory_exports = 0;
  ParsedModule out;

  // Records the first reason the module's state cannot be reset.
  void NotResettable(const std::string& why) {
    if (out.info.state.not_resettable.empty()) out.info.state.not_resettable = why;
  }

  // The global section: the type of every global, and every defined mutable global of a number type; anything the
  // reset cannot restore (or this parser cannot read) makes the module not resettable, but never invalid: the
  // backend validates.
  void ParseGlobals(BinaryReader& r) {
    auto count = r.U32();
    if (!count) return NotResettable("unreadable global section");
    for (uint32_t i = 0; i < *count; ++i) {
      auto vt = r.Byte();
      auto mut = r.Byte();
      if (!vt || !mut) return NotResettable("unreadable global section");
      auto type = DecodeValType(*vt);
      if (!type) return NotResettable("unreadable global section");
      out.info.globals.push_back(GlobalType{*type, *mut == 1});
      if (*mut == 1) {
        if (*type == ValType::kV128 || IsRefType(*type))
          NotResettable("a mutable global of a type the reset does not save (v128 or reference)");
        else
          out.info.state.mutable_globals.push_back({imported_globals + i, *type});
      }
      if (!SkipConstExpr(r)) return NotResettable("a global initializer this parser does not read");
    }
  }

  void ScanCodeSection(std::span<const uint8_t> body) {
    auto facts = internal::ScanCode(body);
    if (!facts) return NotResettable("code this scanner does not know: " + facts.error().message);
    if (facts->mutates_tables) NotResettable("code that changes tables");
    if (facts->drops_segments) NotResettable("code that drops data or element segments");
    if (facts->uses_atomics) NotResettable("atomic instructions (shared memory)");
  }

  // The export section's body with an export of every mutable global appended.
  std::string ExportsWithStateGlobals(std::span<const uint8_t> body) {
    BinaryReader r(body);
    const uint32_t count = r.U32().value_or(0);
    std::string out_body;
    AppendLeb(out_body, count + out.info.state.mutable_globals.size());
    out_body.append(reinterpret_cast<const char*>(body.data()) + r.offset(), body.size() - r.offset());
    for (const auto& g : out.info.state.mutable_globals) {
      const std::string name = StateGlobalExportName(g.index);
      AppendLeb(out_body, name.size());
      out_body += name;
      out_body.push_back(static_cast<char>(ExternKind::kGlobal));
      AppendLeb(out_body, g.index);
    }
    return out_body;
  }

  Status ParseTypes(BinaryReader& r) {
    auto count = r.U32();
    if (!count) return Invalid("bad type section", r.offset());
    for (uint32_t i = 0; i < *count; ++i) {
      auto form = r.Byte();
      if (!form || *form != 0x60) return Invalid("expected a function type", r.offset());
      FuncType ft;
      for (auto* list : {&ft.params, &ft.results}) {
        auto n = r.U32();
        if (!n) return Invalid("bad function type", r.offset());
        for (uint32_t j = 0; j < *n; ++j) {
          auto b = r.Byte();
          auto t = b ? DecodeValType(*b) : std::nullopt;
          if (!t) return Invalid("bad value type", r.offset());
          list->push_back(*t);
        }
      }
      types.push_back(std::move(ft));
    }
    return Status::Ok();
  }

  Status ParseImports(BinaryReader& r) {
    auto count = r.U32();
    if (!count) return Invalid("bad import section", r.offset());
    for (uint32_t i = 0; i < *count; ++i) {
      ImportInfo imp;
      auto module = r.Name();
      auto name = r.Name();
      auto kind = r.Byte();
      if (!module || !name || !kind || *kind > 4) return Invalid("bad import", r.offset());
      imp.module = std::move(*module);
      imp.name = std::move(*name);
      imp.kind = static_cast<ExternKind>(*kind);
      switch (imp.kind) {
        case ExternKind::kFunc: {
          auto t = r.U32();
          if (!t || *t >= types.size()) return Invalid("bad import type index", r.offset());
          imp.func_type = types[*t];
          func_types.push_back(*t);
          break;
        }
        case ExternKind::kTable: {
          auto element = ReadRefType(r);
          auto l = ReadLimits(r);
          if (!element || !l) return Invalid("bad table import", r.offset());
          imp.limits = *l;
          imp.element = *element;
          out.info.tables.push_back(TableType{*element, *l});
          NotResettable("an imported table");
          break;
        }
        case ExternKind::kMemory: {
          auto l = ReadLimits(r);
          if (!l) return Invalid("bad memory import", r.offset());
          imp.limits = *l;
          out.info.memories.push_back(*l);
          NotResettable("an imported memory");
          break;
        }
        case ExternKind::kGlobal: {
          auto vt = r.Byte();
          auto type = vt ? DecodeValType(*vt) : std::nullopt;
          auto mut = r.Byte();
          if (!type || !mut || *mut > 1) return Invalid("bad global import", r.offset());
          imp.global = GlobalType{*type, *mut == 1};
          out.info.globals.push_back(imp.global);
          ++imported_globals;
          if (*mut == 1) NotResettable("an imported mutable global");
          break;
        }
        case ExternKind::kTag: {
          auto attr = r.Byte();
          auto t = r.U32();
          if (!attr || !t) return Invalid("bad tag import", r.offset());
          break;
        }
      }
      out.info.imports.push_back(std::move(imp));
    }
    return Status::Ok();
  }

  Status ParseFunctions(BinaryReader& r) {
    auto count = r.U32();
    if (!count) return Invalid("bad function section", r.offset());
    for (uint32_t i = 0; i < *count; ++i) {
      auto t = r.U32();
      if (!t || *t >= types.size()) return Invalid("bad function type index", r.offset());
      func_types.push_back(*t);
    }
    return Status::Ok();
  }

  Status ParseTables(BinaryReader& r) {
    auto count = r.U32();
    if (!count) return Invalid("bad table section", r.offset());
    for (uint32_t i = 0; i < *count; ++i) {
      auto element = ReadRefType(r);
      auto l = ReadLimits(r);
      if (!element || !l) return Invalid("bad table type", r.offset());
      out.info.tables.push_back(TableType{*element, *l});
    }
    return Status::Ok();
  }

  // Parses the memory section and returns its re-encoded body with maximums lowered to the cap.
  Result<std::string> ParseMemories(BinaryReader& r) {
    auto count = r.U32();
    if (!count) return Invalid("bad memory section", r.offset());
    std::string body;
    AppendLeb(body, *count);
    for (uint32_t i = 0; i < *count; ++i) {
      uint8_t flags = 0;
      auto l = ReadLimits(r, &flags);
      if (!l) return Invalid("bad memory limits", r.offset());
      bool is64 = flags & 4;
      if (flags & 2) NotResettable("a shared memory");
      if (cap && !is64) {
        if (l->min > cap)
          return Fail(ErrorCode::kResourceLimit, "module needs " + std::to_string(l->min) +
                                                     " pages of memory at start, more than the cap of " +
                                                     std::to_string(cap) + " pages");
        uint64_t max = l->max.value_or(kMaxPages32);
        if (max > cap) max = cap;
        l->max = max;
        flags |= 1;
      }
      body.push_back(static_cast<char>(flags));
      AppendLeb(body, l->min);
      if (flags & 1) AppendLeb(body, *l->max);
      out.info.memories.push_back(*l);
    }
    return body;
  }

  Status ParseExports(BinaryReader& r) {
    auto count = r.U32();
    if (!count) return Invalid("bad export section", r.offset());
    for (uint32_t i = 0; i < *count; ++i) {
      ExportInfo e;
      auto name = r.Name();
      auto kind = r.Byte();
      auto index = r.U32();
      if (!name || !kind || !index || *kind > 4) return Invalid("bad export", r.offset());
      e.name = std::move(*name);
      e.kind = static_cast<ExternKind>(*kind);
      e.index = *index;
      if (e.kind == ExternKind::kMemory) ++memory_exports;
      if (e.name.starts_with(kStateExportPrefix)) NotResettable("an export named like the host's own state exports");
      // The backend rejects an export of an unknown table, memory or global; only a function's type is needed here.
      const ModuleInfo& info = out.info;
      switch (e.kind) {
        case ExternKind::kFunc:
          if (*index >= func_types.size()) return Invalid("export of an unknown function", r.offset());
          e.func_type = types[func_types[*index]];
          break;
        case ExternKind::kTable:
          if (*index < info.tables.size()) {
            e.limits = info.tables[*index].limits;
            e.element = info.tables[*index].element;
          }
          break;
        case ExternKind::kMemory:
          if (*index < info.memories.size()) e.limits = info.memories[*index];
          break;
        case ExternKind::kGlobal:
          if (*index < info.globals.size()) e.global = info.globals[*index];
          break;
        case ExternKind::kTag: break;
      }
      out.info.exports.push_back(std::move(e));
    }
    return Status::Ok();
  }

  // One section of the input: re-encoded (memories under a cap, exports with the state globals) or kept as it was.
  struct Piece {
    uint8_t id;
    std::span<const uint8_t> whole, body;
    std::optional<std::string> replaced;
  };

  // The module-wide conditions of a reset, once every section was seen.
  void FinishStateLayout(bool has_exports) {
    if (out.info.memories.size() > 1) NotResettable("several memories");
    if (out.info.memories.size() == 1 && memory_exports == 0) NotResettable("a memory it does not export");
    if (!has_exports) NotResettable("no export section");
    if (!out.info.state.not_resettable.empty()) out.info.state.mutable_globals.clear();
  }

  // The bytes to compile: the header and every section, re-encoded where needed.
  std::vector<uint8_t> Assemble(std::vector<Piece>& pieces) {
    const bool add_state_exports = out.info.state.not_resettable.empty() && !out.info.state.mutable_globals.empty();
    std::string rebuilt(reinterpret_cast<const char*>(wasm.data()), 8);
    rebuilt.reserve(wasm.size() + 256);  // the module, and the state exports it may gain
    for (Piece& piece : pieces) {
      if (piece.id == kExport && add_state_exports) piece.replaced = ExportsWithStateGlobals(piece.body);
      if (!piece.replaced) {
        rebuilt.append(reinterpret_cast<const char*>(piece.whole.data()), piece.whole.size());
        continue;
      }
      rebuilt.push_back(static_cast<char>(piece.id));
      AppendLeb(rebuilt, piece.replaced->size());
      rebuilt += *piece.replaced;
    }
    std::vector<uint8_t> bytes(rebuilt.size());
    std::memcpy(bytes.data(), rebuilt.data(), rebuilt.size());
    return bytes;
  }

  Status Parse() {
    static constexpr uint8_t kHeader[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    if (wasm.size() < 8 || !std::equal(kHeader, kHeader + 4, wasm.begin()))
      return Fail(ErrorCode::kInvalidModule, "not a WebAssembly module (no \\0asm header)");
    if (!std::equal(kHeader + 4, kHeader + 8, wasm.begin() + 4))
      return Fail(ErrorCode::kInvalidModule, "unsupported WebAssembly binary version (only version 1 is supported)");
    std::vector<Piece> pieces;
    bool has_exports = false;
    BinaryReader r(wasm.subspan(8));
    while (!r.at_end()) {
      size_t section_start = r.offset() + 8;
      auto id = r.Byte();
      auto size = r.U32();
      auto body = size ? r.Bytes(*size) : std::nullopt;
      if (!id || !body) return Invalid("truncated section", section_start);
      BinaryReader s(*body);
      Status st;
      Piece piece{*id, wasm.subspan(section_start, 8 + r.offset() - section_start), *body, std::nullopt};
      bool parsed = true;
      switch (*id) {
        case kType: st = ParseTypes(s); break;
        case kImport: st = ParseImports(s); break;
        case kFunction: st = ParseFunctions(s); break;
        case kTable: st = ParseTables(s); break;
        case kExport:
          st = ParseExports(s);
          has_exports = true;
          break;
        case kMemory: {
          auto m = ParseMemories(s);
          if (!m) return m.take_error();
          if (cap != 0) piece.replaced = std::move(*m);
          break;
        }
        case kGlobal:
          ParseGlobals(s);
          parsed = false;
          break;
        case kCode:
          ScanCodeSection(*body);
          parsed = false;
          break;
        default: parsed = false; break;
      }
      if (!st) return st.take_error();
      if (parsed && !s.at_end()) return Invalid("section size mismatch", section_start);
      pieces.push_back(std::move(piece));
    }
    FinishStateLayout(has_exports);
    out.bytes = Assemble(pieces);
    return Status::Ok();
  }
};

}  // namespace

std::string StateGlobalExportName(uint32_t index) {
  return std::string(kStateExportPrefix) + std::to_string(index);
}

Result<ParsedModule> ParseModule(std::span<const uint8_t> wasm, uint32_t max_memory_pages) {
  Parser p{wasm, max_memory_pages, {}, {}, 0, 0, {}};
  if (auto st = p.Parse(); !st) return st.take_error();
  return std::move(p.out);
}

}  // namespace capsule
