// The trampoline modules of trampoline_wasm.h, written as WebAssembly binaries.
#include "engine/v8/trampoline_wasm.h"

#include <algorithm>
#include <string>

#include "engine/binary_reader.h"

namespace capsule::internal {
namespace {

// Opcodes the trampolines use.
enum Op : uint8_t {
  kEnd = 0x0b,
  kCall = 0x10,
  kLocalGet = 0x20,
  kLocalSet = 0x21,
  kGlobalGet = 0x23,
  kGlobalSet = 0x24,
  kF32Const = 0x43,
  kF64Const = 0x44,
  kI32ReinterpretF32 = 0xbc,
  kI64ReinterpretF64 = 0xbd,
  kF32ReinterpretI32 = 0xbe,
  kF64ReinterpretI64 = 0xbf,
  kSimdPrefix = 0xfd,
};
// SIMD sub-opcodes.
enum SimdOp : uint8_t { kV128Const = 0x0c, kI64x2Splat = 0x12, kI64x2ExtractLane = 0x1d, kI64x2ReplaceLane = 0x1e };

uint8_t TypeCode(ValType t) {
  switch (t) {
    case ValType::kI32: return 0x7f;
    case ValType::kI64: return 0x7e;
    case ValType::kF32: return 0x7d;
    case ValType::kF64: return 0x7c;
    case ValType::kV128: return 0x7b;
    case ValType::kFuncRef: return 0x70;
    case ValType::kExternRef: return 0x6f;
  }
  return 0x7f;
}

// A function body under construction: its locals beyond the parameters, and its instructions.
class Body {
 public:
  explicit Body(uint32_t params) : next_local_(params) {}

  uint32_t AddLocal(ValType t) {
    locals_.push_back(t);
    return next_local_++;
  }
  void Op(uint8_t op) { code_.push_back(static_cast<char>(op)); }
  void OpIndex(uint8_t op, uint32_t index) {
    Op(op);
    AppendLeb(code_, index);
  }
  void Simd(uint8_t op) {
    Op(kSimdPrefix);
    AppendLeb(code_, op);
  }
  void SimdLane(uint8_t op, uint8_t lane) {
    Simd(op);
    Op(lane);
  }
  // The two i64 lanes of the v128 that `push` puts on the stack (called twice), low first.
  template <class Push>
  void SplitV128(Push push) {
    push();
    SimdLane(kI64x2ExtractLane, 0);
    push();
    SimdLane(kI64x2ExtractLane, 1);
  }
  // The v128 of the i64 locals lo and hi.
  void JoinV128(uint32_t lo, uint32_t hi) {
    OpIndex(kLocalGet, lo);
    Simd(kI64x2Splat);
    OpIndex(kLocalGet, hi);
    SimdLane(kI64x2ReplaceLane, 1);
  }
  // Turns the f32 / f64 on top of the stack into its bits, or back (not for v128, which needs locals).
  void ScalarToWire(ValType t) {
    if (t == ValType::kF32) Op(kI32ReinterpretF32);
    if (t == ValType::kF64) Op(kI64ReinterpretF64);
  }
  void ScalarFromWire(ValType t) {
    if (t == ValType::kF32) Op(kF32ReinterpretI32);
    if (t == ValType::kF64) Op(kF64ReinterpretI64);
  }
  // Pushes the real values whose wire forms are the locals from `first` on, one per type.
  void PushFromWireLocals(const std::vector<ValType>& types, uint32_t first) {
    uint32_t w = first;
    for (ValType t : types) {
      if (t == ValType::kV128) {
        JoinV128(w, w + 1);
      } else {
        OpIndex(kLocalGet, w);
        ScalarFromWire(t);
      }
      w += WireCount(t);
    }
  }
  // Pushes the wire forms of the real values in the locals from `first` on, one per type.
  void PushToWireFromLocals(const std::vector<ValType>& types, uint32_t first) {
    for (uint32_t i = 0; i < types.size(); ++i) {
      const uint32_t local = first + i;
      if (types[i] == ValType::kV128) {
        SplitV128([&] { OpIndex(kLocalGet, local); });
      } else {
        OpIndex(kLocalGet, local);
        ScalarToWire(types[i]);
      }
    }
  }
  // Moves the values of types on the stack (the last on top) into new locals; returns the first one's index.
  uint32_t StashStack(const std::vector<ValType>& types) {
    const uint32_t first = next_local_;
    for (ValType t : types) AddLocal(t);
    for (size_t i = types.size(); i-- > 0;) OpIndex(kLocalSet, first + static_cast<uint32_t>(i));
    return first;
  }

  // The encoded body: size, locals, code, end.
  std::string Encode() const {
    std::string body;
    AppendLeb(body, locals_.size());
    for (ValType t : locals_) {
      AppendLeb(body, 1);
      body.push_back(static_cast<char>(TypeCode(t)));
    }
    body += code_;
    body.push_back(static_cast<char>(kEnd));
    std::string sized;
    AppendLeb(sized, body.size());
    return sized + body;
  }

 private:
  uint32_t next_local_;
  std::vector<ValType> locals_;
  std::string code_;
};

// A module under construction: types, function and global imports, functions, globals and their exports.
class ModuleWriter {
 public:
  uint32_t AddType(const FuncType& type) {
    auto it = std::find(types_.begin(), types_.end(), type);
    if (it != types_.end()) return static_cast<uint32_t>(it - types_.begin());
    types_.push_back(type);
    return static_cast<uint32_t>(types_.size() - 1);
  }
  void ImportFunc(const std::string& name, const FuncType& type) {
    Import(name, 0);
    AppendLeb(imports_, AddType(type));
    ++import_count_;
    ++imported_funcs_;
  }
  void ImportGlobal(const std::string& name, const GlobalType& type) {
    Import(name, 3);
    AppendGlobalType(imports_, type);
    ++import_count_;
  }
  // Adds a function (index: imported functions first) exported as name.
  void AddFunc(const std::string& name, const FuncType& type, const Body& body) {
    AppendLeb(functions_, AddType(type));
    code_ += body.Encode();
    Export(name, 0, imported_funcs_ + func_count_++);
  }
  void AddGlobal(const std::string& name, const GlobalType& type, const std::string& init) {
    AppendGlobalType(globals_, type);
    globals_ += init;
    globals_.push_back(static_cast<char>(kEnd));
    Export(name, 3, global_count_++);
  }

  std::vector<uint8_t> Finish() const {
    std::string out("\0asm\1\0\0\0", 8);
    std::string types;
    for (const FuncType& t : types_) {
      types.push_back(0x60);
      for (const auto* list : {&t.params, &t.results}) {
        AppendLeb(types, list->size());
        for (ValType v : *list) types.push_back(static_cast<char>(TypeCode(v)));
      }
    }
    Section(out, 1, types_.size(), types);
    Section(out, 2, import_count_, imports_);
    Section(out, 3, func_count_, functions_);
    Section(out, 6, global_count_, globals_);
    Section(out, 7, export_count_, exports_);
    Section(out, 10, func_count_, code_);
    return std::vector<uint8_t>(out.begin(), out.end());
  }

 private:
  void Import(const std::string& name, uint8_t kind) {
    AppendLeb(imports_, 0);  // module ""
    AppendLeb(imports_, name.size());
    imports_ += name;
    imports_.push_back(static_cast<char>(kind));
  }
  void Export(const std::string& name, uint8_t kind, uint32_t index) {
    AppendLeb(exports_, name.size());
    exports_ += name;
    exports_.push_back(static_cast<char>(kind));
    AppendLeb(exports_, index);
    ++export_count_;
  }
  static void AppendGlobalType(std::string& out, const GlobalType& type) {
    out.push_back(static_cast<char>(TypeCode(type.type)));
    out.push_back(type.is_mutable ? 1 : 0);
  }
  static void Section(std::string& out, uint8_t id, size_t count, const std::string& items) {
    if (count == 0) return;
    std::string body;
    AppendLeb(body, count);
    body += items;
    out.push_back(static_cast<char>(id));
    AppendLeb(out, body.size());
    out += body;
  }

  std::vector<FuncType> types_;
  std::string imports_, functions_, globals_, exports_, code_;
  uint32_t import_count_ = 0, imported_funcs_ = 0, func_count_ = 0, global_count_ = 0, export_count_ = 0;
};

std::vector<ValType> WireTypes(const std::vector<ValType>& types) {
  std::vector<ValType> wire;
  for (ValType t : types) {
    switch (t) {
      case ValType::kF32: wire.push_back(ValType::kI32); break;
      case ValType::kF64: wire.push_back(ValType::kI64); break;
      case ValType::kV128: wire.insert(wire.end(), 2, ValType::kI64); break;
      default: wire.push_back(t); break;
    }
  }
  return wire;
}

bool AnyNeedsWire(const std::vector<ValType>& types) {
  return std::any_of(types.begin(), types.end(), NeedsWire);
}

}  // namespace

bool NeedsTrampoline(const FuncType& type) {
  return AnyNeedsWire(type.params) || AnyNeedsWire(type.results);
}

FuncType WireType(const FuncType& type) {
  return FuncType{WireTypes(type.params), WireTypes(type.results)};
}

std::vector<uint8_t> CallTrampolineModule(const FuncType& type) {
  const FuncType wire = WireType(type);
  ModuleWriter m;
  m.ImportFunc("f", type);
  Body body(static_cast<uint32_t>(wire.params.size()));
  body.PushFromWireLocals(type.params, 0);
  body.OpIndex(kCall, 0);
  if (AnyNeedsWire(type.results)) body.PushToWireFromLocals(type.results, body.StashStack(type.results));
  m.AddFunc("f", wire, body);
  return m.Finish();
}

std::vector<uint8_t> HostTrampolineModule(std::span<const FuncType> types) {
  ModuleWriter m;
  for (size_t i = 0; i < types.size(); ++i) {
    m.ImportFunc(std::to_string(i), WireType(types[i]));
  }
  for (size_t i = 0; i < types.size(); ++i) {
    const FuncType& type = types[i];
    const FuncType wire = WireType(type);
    Body body(static_cast<uint32_t>(type.params.size()));
    body.PushToWireFromLocals(type.params, 0);
    body.OpIndex(kCall, static_cast<uint32_t>(i));
    if (AnyNeedsWire(type.results)) body.PushFromWireLocals(type.results, body.StashStack(wire.results));
    m.AddFunc(std::to_string(i), type, body);
  }
  return m.Finish();
}

std::vector<uint8_t> GlobalAccessorModule(const GlobalType& type) {
  const std::vector<ValType> wire = WireTypes({type.type});
  ModuleWriter m;
  m.ImportGlobal("g", type);
  Body get(0);
  if (type.type == ValType::kV128) {
    get.SplitV128([&] { get.OpIndex(kGlobalGet, 0); });
  } else {
    get.OpIndex(kGlobalGet, 0);
    get.ScalarToWire(type.type);
  }
  m.AddFunc("get", FuncType{{}, wire}, get);
  if (type.is_mutable) {
    Body set(static_cast<uint32_t>(wire.size()));
    set.PushFromWireLocals({type.type}, 0);
    set.OpIndex(kGlobalSet, 0);
    m.AddFunc("set", FuncType{wire, {}}, set);
  }
  return m.Finish();
}

std::vector<uint8_t> GlobalConstantModule(const GlobalType& type, const Value& value) {
  // Little-endian immediates, as the binary format stores them.
  auto append_le = [](std::string& out, uint64_t bits, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(bits >> (8 * i)));
  };
  std::string init;
  switch (type.type) {
    case ValType::kF32:
      init.push_back(static_cast<char>(kF32Const));
      append_le(init, value.f32_bits(), 4);
      break;
    case ValType::kF64:
      init.push_back(static_cast<char>(kF64Const));
      append_le(init, value.f64_bits(), 8);
      break;
    default:
      init.push_back(static_cast<char>(kSimdPrefix));
      AppendLeb(init, kV128Const);
      init.append(reinterpret_cast<const char*>(value.v128().bytes), 16);
      break;
  }
  ModuleWriter m;
  m.AddGlobal("g", type, init);
  return m.Finish();
}

}  // namespace capsule::internal
