// DecodeModule: the module binary's sections into a ModuleDesc, checked as the WebAssembly 2.0 core
// specification requires, except function bodies (the FunctionCompiler validates them).
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string_view>

#include "abi/utf8.h"
#include "engine/binary_format.h"
#include "engine/binary_reader.h"
#include "engine/interp/module_desc.h"

namespace capsule::internal::interp {
namespace {

constexpr uint32_t kMaxPages = 65536;
constexpr uint32_t kMaxFunctions = 1'000'000;

using namespace capsule::internal::section;

// Position of a section in the required order (data count comes between element and code).
int SectionOrder(uint8_t id) {
  static constexpr int kOrder[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return id < 13 ? kOrder[id] : -1;
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

class Decoder {
 public:
  explicit Decoder(std::vector<uint8_t> bytes) { m_.bytes = std::move(bytes); }

  Result<ModuleDesc> Run() {
    if (auto st = Sections(); !st) return st.take_error();
    return std::move(m_);
  }

 private:
  Error Malformed(const std::string& what, const BinaryReader& r) const {
    return Fail(ErrorCode::kInvalidModule,
                "invalid module: " + what + " at byte " + std::to_string(base_ + r.offset()));
  }
  Error Invalid(const std::string& what) const { return Fail(ErrorCode::kInvalidModule, "invalid module: " + what); }

  Result<uint32_t> U32(BinaryReader& r, const char* what) {
    auto v = r.U32();
    if (!v) return Malformed(std::string("malformed ") + what, r);
    return *v;
  }
  Result<std::string> Name(BinaryReader& r) {
    auto n = r.Name();
    if (!n) return Malformed("unexpected end (name)", r);
    if (!ValidUtf8(*n)) return Malformed("malformed UTF-8 encoding", r);
    return std::move(*n);
  }

  Result<ValType> ReadValType(BinaryReader& r) {
    auto b = r.Byte();
    if (!b) return Malformed("unexpected end", r);
    if (auto t = DecodeValType(*b)) return *t;
    return Malformed("malformed value type", r);
  }
  Result<ValType> ReadRefType(BinaryReader& r) {
    auto b = r.Byte();
    if (!b) return Malformed("unexpected end", r);
    if (*b == 0x70) return ValType::kFuncRef;
    if (*b == 0x6f) return ValType::kExternRef;
    return Malformed("malformed reference type", r);
  }

  Result<Limits> ReadLimits(BinaryReader& r, uint64_t bound, const char* what) {
    auto flags = r.Byte();
    if (!flags) return Malformed("unexpected end", r);
    if ((*flags == 2 || *flags == 3) && std::string_view(what) == "memory")  // the spec's wording stays in the text
      return Malformed("shared memory (the threads proposal) is not supported: integer too large (limits flags)", r);
    if (*flags > 1) return Malformed("integer too large (limits flags)", r);
    Limits l;
    auto min = r.U32();
    if (!min) return Malformed("malformed limits", r);
    l.min = *min;
    if (*flags & 1) {
      auto max = r.U32();
      if (!max) return Malformed("malformed limits", r);
      l.max = *max;
    }
    if (l.min > bound || (l.max && *l.max > bound)) {
      if (std::string_view(what) == "memory") return Invalid("memory size must be at most 65536 pages (4GiB)");
      return Invalid(std::string(what) + " size too large");
    }
    if (l.max && *l.max < l.min) return Invalid("size minimum must not be greater than maximum");
    return l;
  }

  Result<TableDesc> ReadTableType(BinaryReader& r) {
    auto elem = ReadRefType(r);
    if (!elem) return elem.take_error();
    auto limits = ReadLimits(r, UINT32_MAX, "table");
    if (!limits) return limits.take_error();
    return TableDesc{*elem, *limits};
  }

  Result<GlobalDesc> ReadGlobalType(BinaryReader& r) {
    auto type = ReadValType(r);
    if (!type) return type.take_error();
    auto mut = r.Byte();
    if (!mut) return Malformed("unexpected end", r);
    if (*mut > 1) return Malformed("malformed mutability", r);
    GlobalDesc g;
    g.type = *type;
    g.mutable_ = *mut == 1;
    return g;
  }

  // A constant expression of type `expected`; only imported immutable globals may be read.
  Result<ConstExpr> ReadConstExpr(BinaryReader& r, ValType expected) {
    ConstExpr e;
    auto op = r.Byte();
    if (!op) return Malformed("unexpected end", r);
    switch (*op) {
      case 0x41: {
        auto v = r.S(32);
        if (!v) return Malformed("malformed i32.const", r);
        e.type = ValType::kI32;
        e.bits = static_cast<uint32_t>(*v);
        break;
      }
      case 0x42: {
        auto v = r.S(64);
        if (!v) return Malformed("malformed i64.const", r);
        e.type = ValType::kI64;
        e.bits = static_cast<uint64_t>(*v);
        break;
      }
      case 0x43: {
        auto b = r.Bytes(4);
        if (!b) return Malformed("unexpected end", r);
        uint32_t v;
        std::memcpy(&v, b->data(), 4);
        e.type = ValType::kF32;
        e.bits = v;
        break;
      }
      case 0x44: {
        auto b = r.Bytes(8);
        if (!b) return Malformed("unexpected end", r);
        std::memcpy(&e.bits, b->data(), 8);
        e.type = ValType::kF64;
        break;
      }
      case 0x23: {
        auto index = U32(r, "global index");
        if (!index) return index.take_error();
        if (*index >= m_.globals.size() || *index >= m_.imported_globals)
          return Invalid("unknown global " + std::to_string(*index));
        if (m_.globals[*index].mutable_) return Invalid("constant expression required");
        e.kind = ConstExpr::Kind::kGlobalGet;
        e.index = *index;
        e.type = m_.globals[*index].type;
        break;
      }
      case 0xd0: {
        auto t = ReadRefType(r);
        if (!t) return t.take_error();
        e.kind = ConstExpr::Kind::kRefNull;
        e.type = *t;
        break;
      }
      case 0xd2: {
        auto index = U32(r, "function index");
        if (!index) return index.take_error();
        if (*index >= m_.func_types.size()) return Invalid("unknown function " + std::to_string(*index));
        e.kind = ConstExpr::Kind::kRefFunc;
        e.index = *index;
        e.type = ValType::kFuncRef;
        Declare(*index);
        break;
      }
      case 0xfd: {  // v128.const
        auto sub = U32(r, "opcode");
        if (!sub) return sub.take_error();
        if (*sub != 12) return Invalid("constant expression required");
        auto b = r.Bytes(16);
        if (!b) return Malformed("unexpected end", r);
        std::memcpy(&e.bits, b->data(), 8);
        std::memcpy(&e.hi, b->data() + 8, 8);
        e.type = ValType::kV128;
        break;
      }
      default:
        if (*op == 0x0b) return Invalid("type mismatch (empty constant expression)");
        return Invalid("constant expression required");
    }
    auto end = r.Byte();
    if (!end) return Malformed("unexpected end", r);
    if (*end != 0x0b) return Invalid("constant expression required");
    if (e.type != expected) return Invalid("type mismatch in constant expression");
    return e;
  }

  void Declare(uint32_t func) {
    if (m_.declared_funcs.size() <= func) m_.declared_funcs.resize(func + 1, false);
    m_.declared_funcs[func] = true;
  }

  Status Types(BinaryReader& r) {
    auto count = U32(r, "type count");
    if (!count) return count.take_error();
    for (uint32_t i = 0; i < *count; ++i) {
      auto form = r.Byte();
      if (!form) return Malformed("unexpected end", r);
      if (*form != 0x60) return Malformed("malformed functype", r);
      FuncType ft;
      for (auto* list : {&ft.params, &ft.results}) {
        auto n = U32(r, "type length");
        if (!n) return n.take_error();
        if (*n > r.remaining()) return Malformed("unexpected end", r);
        for (uint32_t j = 0; j < *n; ++j) {
          auto t = ReadValType(r);
          if (!t) return t.take_error();
          list->push_back(*t);
        }
      }
      m_.type_ids.push_back(CanonicalTypeId(ft));
      m_.types.push_back(std::move(ft));
    }
    return Status::Ok();
  }

  Status Imports(BinaryReader& r) {
    auto count = U32(r, "import count");
    if (!count) return count.take_error();
    for (uint32_t i = 0; i < *count; ++i) {
      ImportDesc imp;
      auto module = Name(r);
      if (!module) return module.take_error();
      auto name = Name(r);
      if (!name) return name.take_error();
      imp.module = std::move(*module);
      imp.name = std::move(*name);
      auto kind = r.Byte();
      if (!kind) return Malformed("unexpected end", r);
      switch (*kind) {
        case 0: {
          auto t = U32(r, "type index");
          if (!t) return t.take_error();
          if (*t >= m_.types.size()) return Invalid("unknown type " + std::to_string(*t));
          imp.kind = ExternKind::kFunc;
          imp.index = static_cast<uint32_t>(m_.func_types.size());
          m_.func_types.push_back(*t);
          m_.imported_funcs++;
          break;
        }
        case 1: {
          auto t = ReadTableType(r);
          if (!t) return t.take_error();
          imp.kind = ExternKind::kTable;
          imp.index = static_cast<uint32_t>(m_.tables.size());
          m_.tables.push_back(*t);
          m_.imported_tables++;
          break;
        }
        case 2: {
          auto l = ReadLimits(r, kMaxPages, "memory");
          if (!l) return l.take_error();
          imp.kind = ExternKind::kMemory;
          imp.index = static_cast<uint32_t>(m_.memories.size());
          m_.memories.push_back(*l);
          m_.imported_memories++;
          break;
        }
        case 3: {
          auto g = ReadGlobalType(r);
          if (!g) return g.take_error();
          imp.kind = ExternKind::kGlobal;
          imp.index = static_cast<uint32_t>(m_.globals.size());
          m_.globals.push_back(*g);
          m_.imported_globals++;
          break;
        }
        default: return Malformed("malformed import kind", r);
      }
      m_.imports.push_back(std::move(imp));
    }
    if (m_.memories.size() > 1) return Invalid("multiple memories");
    return Status::Ok();
  }

  Status Functions(BinaryReader& r) {
    auto count = U32(r, "function count");
    if (!count) return count.take_error();
    if (*count > kMaxFunctions || *count > r.remaining()) return Malformed("too many functions", r);
    for (uint32_t i = 0; i < *count; ++i) {
      auto t = U32(r, "type index");
      if (!t) return t.take_error();
      if (*t >= m_.types.size()) return Invalid("unknown type " + std::to_string(*t));
      m_.func_types.push_back(*t);
    }
    defined_funcs_ = *count;
    return Status::Ok();
  }

  Status Tables(BinaryReader& r) {
    auto count = U32(r, "table count");
    if (!count) return count.take_error();
    for (uint32_t i = 0; i < *count; ++i) {
      auto t = ReadTableType(r);
      if (!t) return t.take_error();
      m_.tables.push_back(*t);
    }
    return Status::Ok();
  }

  Status Memories(BinaryReader& r) {
    auto count = U32(r, "memory count");
    if (!count) return count.take_error();
    for (uint32_t i = 0; i < *count; ++i) {
      auto l = ReadLimits(r, kMaxPages, "memory");
      if (!l) return l.take_error();
      m_.memories.push_back(*l);
    }
    if (m_.memories.size() > 1) return Invalid("multiple memories");
    return Status::Ok();
  }

  Status Globals(BinaryReader& r) {
    auto count = U32(r, "global count");
    if (!count) return count.take_error();
    for (uint32_t i = 0; i < *count; ++i) {
      auto g = ReadGlobalType(r);
      if (!g) return g.take_error();
      auto init = ReadConstExpr(r, g->type);
      if (!init) return init.take_error();
      g->init = *init;
      m_.globals.push_back(*g);
    }
    return Status::Ok();
  }

  Status Exports(BinaryReader& r) {
    auto count = U32(r, "export count");
    if (!count) return count.take_error();
    std::set<std::string, std::less<>> names;
    for (uint32_t i = 0; i < *count; ++i) {
      ExportDesc e;
      auto name = Name(r);
      if (!name) return name.take_error();
      e.name = std::move(*name);
      auto kind = r.Byte();
      if (!kind) return Malformed("unexpected end", r);
      auto index = U32(r, "export index");
      if (!index) return index.take_error();
      e.index = *index;
      size_t limit = 0;
      switch (*kind) {
        case 0: limit = m_.func_types.size(); break;
        case 1: limit = m_.tables.size(); break;
        case 2: limit = m_.memories.size(); break;
        case 3: limit = m_.globals.size(); break;
        default: return Malformed("malformed export kind", r);
      }
      e.kind = static_cast<ExternKind>(*kind);
      if (e.index >= limit)
        return Invalid(std::string("unknown ") + ExternKindName(e.kind) + " " + std::to_string(e.index));
      if (e.kind == ExternKind::kFunc) Declare(e.index);
      if (!names.insert(e.name).second) return Invalid("duplicate export name");
      m_.exports.push_back(std::move(e));
    }
    return Status::Ok();
  }

  Status Start(BinaryReader& r) {
    auto f = U32(r, "start function");
    if (!f) return f.take_error();
    if (*f >= m_.func_types.size()) return Invalid("unknown function " + std::to_string(*f));
    const FuncType& t = m_.func_type(*f);
    if (!t.params.empty() || !t.results.empty()) return Invalid("start function must be of type [] -> []");
    m_.start = *f;
    return Status::Ok();
  }

  Status CheckTable(uint32_t table) {
    if (table >= m_.tables.size()) return Invalid("unknown table " + std::to_string(table));
    return Status::Ok();
  }

  Status Elements(BinaryReader& r) {
    auto count = U32(r, "element count");
    if (!count) return count.take_error();
    for (uint32_t i = 0; i < *count; ++i) {
      auto flags = U32(r, "element segment flags");
      if (!flags) return flags.take_error();
      if (*flags > 7) return Malformed("malformed elements segment kind", r);
      ElemSegment seg;
      const bool passive_or_declarative = *flags & 1;
      const bool explicit_table = *flags & 2;
      const bool uses_exprs = *flags & 4;
      if (!passive_or_declarative) {
        if (explicit_table) {
          auto t = U32(r, "table index");
          if (!t) return t.take_error();
          seg.table = *t;
        }
        if (auto st = CheckTable(seg.table); !st) return st;
        auto offset = ReadConstExpr(r, ValType::kI32);
        if (!offset) return offset.take_error();
        seg.offset = *offset;
      } else {
        seg.mode = explicit_table ? ElemSegment::Mode::kDeclarative : ElemSegment::Mode::kPassive;
      }
      // Flags 0 and 4 have neither an element kind nor a reference type: funcref.
      if (passive_or_declarative || explicit_table) {
        if (uses_exprs) {
          auto t = ReadRefType(r);
          if (!t) return t.take_error();
          seg.type = *t;
        } else {
          auto kind = r.Byte();
          if (!kind) return Malformed("unexpected end", r);
          if (*kind != 0) return Malformed("malformed element kind", r);
        }
      }
      auto n = U32(r, "element count");
      if (!n) return n.take_error();
      if (*n > r.remaining()) return Malformed("unexpected end", r);
      for (uint32_t j = 0; j < *n; ++j) {
        if (uses_exprs) {
          auto e = ReadConstExpr(r, seg.type);
          if (!e) return e.take_error();
          seg.items.push_back(*e);
        } else {
          auto f = U32(r, "function index");
          if (!f) return f.take_error();
          if (*f >= m_.func_types.size()) return Invalid("unknown function " + std::to_string(*f));
          Declare(*f);
          seg.items.push_back(ConstExpr{ConstExpr::Kind::kRefFunc, ValType::kFuncRef, 0, *f});
        }
      }
      if (seg.mode == ElemSegment::Mode::kActive && m_.tables[seg.table].elem != seg.type)
        return Invalid("type mismatch (element segment and table)");
      m_.elems.push_back(std::move(seg));
    }
    return Status::Ok();
  }

  Status DataCount(BinaryReader& r) {
    auto n = U32(r, "data count");
    if (!n) return n.take_error();
    m_.data_count = *n;
    return Status::Ok();
  }

  Status Code(BinaryReader& r) {
    auto count = U32(r, "code count");
    if (!count) return count.take_error();
    if (*count != defined_funcs_) return Malformed("function and code section have inconsistent lengths", r);
    for (uint32_t i = 0; i < *count; ++i) {
      auto size = U32(r, "function size");
      if (!size) return size.take_error();
      const size_t begin = base_ + r.offset();
      if (!r.Bytes(*size)) return Malformed("unexpected end of section or function", r);
      m_.bodies.push_back(BodyRange{static_cast<uint32_t>(begin), *size});
    }
    return Status::Ok();
  }

  Status Data(BinaryReader& r) {
    auto count = U32(r, "data count");
    if (!count) return count.take_error();
    if (m_.data_count && *m_.data_count != *count)
      return Malformed("data count and data section have inconsistent lengths", r);
    for (uint32_t i = 0; i < *count; ++i) {
      auto flags = U32(r, "data segment flags");
      if (!flags) return flags.take_error();
      DataSegment seg;
      if (*flags > 2) return Malformed("malformed data segment kind", r);
      if (*flags == 1) {
        seg.active = false;
      } else {
        if (*flags == 2) {
          auto mem = U32(r, "memory index");
          if (!mem) return mem.take_error();
          seg.memory = *mem;
        }
        if (seg.memory >= m_.memories.size()) return Invalid("unknown memory " + std::to_string(seg.memory));
        auto offset = ReadConstExpr(r, ValType::kI32);
        if (!offset) return offset.take_error();
        seg.offset = *offset;
      }
      auto size = U32(r, "data size");
      if (!size) return size.take_error();
      seg.begin = static_cast<uint32_t>(base_ + r.offset());
      seg.size = *size;
      if (!r.Bytes(*size)) return Malformed("unexpected end of section or function", r);
      m_.datas.push_back(seg);
    }
    return Status::Ok();
  }

  Status Section(uint8_t id, BinaryReader& r) {
    switch (id) {
      case kType: return Types(r);
      case kImport: return Imports(r);
      case kFunction: return Functions(r);
      case kTable: return Tables(r);
      case kMemory: return Memories(r);
      case kGlobal: return Globals(r);
      case kExport: return Exports(r);
      case kStart: return Start(r);
      case kElement: return Elements(r);
      case kDataCount: return DataCount(r);
      case kCode: return Code(r);
      case kData: return Data(r);
    }
    return Status::Ok();
  }

  Status Sections() {
    const auto& bytes = m_.bytes;
    static constexpr uint8_t kHeader[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    if (bytes.size() < 4 || !std::equal(kHeader, kHeader + 4, bytes.begin()))
      return Fail(ErrorCode::kInvalidModule, "not a WebAssembly module (magic header not detected)");
    if (bytes.size() < 8 || !std::equal(kHeader + 4, kHeader + 8, bytes.begin() + 4))
      return Fail(ErrorCode::kInvalidModule, "unknown binary version");
    BinaryReader r(std::span<const uint8_t>(bytes).subspan(8));
    int last_order = 0;
    bool saw_code = false, saw_data = false;
    while (!r.at_end()) {
      base_ = 8;
      auto id = r.Byte();
      auto size = r.U32();
      if (!id || !size) return Malformed("unexpected end (section header)", r);
      const size_t body_start = 8 + r.offset();
      auto body = r.Bytes(*size);
      if (!body) return Malformed("unexpected end of section or function (section size)", r);
      if (*id > 12) return Malformed("malformed section id", r);
      if (*id != kCustom) {
        const int order = SectionOrder(*id);
        if (order <= last_order) return Malformed("unexpected content after last section (section order)", r);
        last_order = order;
      }
      saw_code |= *id == kCode;
      saw_data |= *id == kData;
      BinaryReader s(*body);
      base_ = body_start;
      if (*id == kCustom) {
        auto name = Name(s);
        if (!name) return name.take_error();
        continue;
      }
      if (auto st = Section(*id, s); !st) return st;
      if (!s.at_end()) return Malformed("section size mismatch", s);
    }
    if (!saw_code && defined_funcs_ != 0) return Invalid("function and code section have inconsistent lengths");
    if (!saw_data && m_.data_count && *m_.data_count != 0)
      return Invalid("data count and data section have inconsistent lengths");
    return Status::Ok();
  }

  ModuleDesc m_;
  uint32_t defined_funcs_ = 0;
  size_t base_ = 0;  // offset of the reader's span in the module
};

}  // namespace

uint32_t CanonicalTypeId(const FuncType& type) {
  static std::mutex mu;
  static auto* ids = new std::map<std::pair<std::vector<ValType>, std::vector<ValType>>, uint32_t>();
  std::lock_guard lock(mu);
  auto [it, inserted] = ids->emplace(std::make_pair(type.params, type.results), static_cast<uint32_t>(ids->size()));
  return it->second;
}

Result<ModuleDesc> DecodeModule(std::vector<uint8_t> bytes) {
  return Decoder(std::move(bytes)).Run();
}

}  // namespace capsule::internal::interp
