// CompileFunction: one pass over a function body that type-checks every instruction and emits the slot-based
// code of code.h.
//
// The operand stack is simulated at compile time. Each entry is a temporary in its home slot (the frame slot of
// its stack position), a local (local.get emits nothing: consumers read the local's slot), or a constant
// (consumers take it as an immediate when they have such a form). Entries are materialized into their home slots
// only where the code needs a value there: at calls, branches, block boundaries and before the local they name
// is written. A result that is stored right away into a local (local.set/tee) is written there directly, and a
// comparison consumed by br_if / if becomes one compare-and-branch instruction.
#include "engine/interp/compiler.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <tuple>

#include "engine/binary_format.h"
#include "engine/binary_reader.h"
#include "engine/interp/simd.h"

namespace capsule::internal::interp {
namespace {

constexpr ValType kAny = static_cast<ValType>(0xff);  // the type of values popped from an unreachable stack
constexpr uint32_t kMaxLocals = 50000;

bool IsRef(ValType t) {
  return t == ValType::kFuncRef || t == ValType::kExternRef;
}

// How a wasm numeric instruction translates.
struct NumericOp {
  Op op = Op::kCount;
  ValType a = kAny, b = kAny, out = kAny;  // operand types (b is kAny for unary operators) and result type
  bool imm = false;                        // op + 1 is the form with a constant b
  bool commutative = false;
  int8_t cmp = -1;  // integer comparisons: index in eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u
};

// The comparison that is true exactly when cmp is false, and the one with swapped operands.
constexpr int8_t kInverse[] = {1, 0, 8, 9, 6, 7, 4, 5, 2, 3};
constexpr int8_t kMirror[] = {0, 1, 4, 5, 2, 3, 8, 9, 6, 7};
// The "comparison" index of an i32.and with a constant, which a branch on its result turns into a bit test (-1 is
// eqz), and of an i32.eqz of such an and (the same test, true when the bits are all zero).
constexpr int kAndTest = -2;
constexpr int kAndZeroTest = -3;

// An instruction just emitted whose result, a temp, the next instruction may fold into itself (dropping it): a
// comparison into a branch, an add into a load. a and b are its operand slots (b: or its constant).
struct Foldable {
  bool valid = false;
  uint32_t start = 0;  // where its code begins
  uint32_t a = 0, b = 0;
  uint32_t dst = 0;  // the temp it writes
  size_t pos = 0;    // that temp's place on the operand stack
};

Op OpAt(Op base, int delta) {
  return static_cast<Op>(static_cast<int>(base) + delta);
}

// Units of an instruction that only computes (no jump, call or return), which may be repeated anywhere in its
// function; 0 for the others.
uint32_t PlainUnits(Op op) {
  auto in = [op](Op first, Op last) { return op >= first && op <= last; };
  if (op == Op::kCopy || op == Op::kConst32 || op == Op::kI32LoadAbs || op == Op::kI64LoadAbs) return 3;
  if (op == Op::kConst64 || op == Op::kI32RSubImm || in(Op::kI32StoreImm, Op::kI32Store8Imm)) return 4;
  if (op == Op::kCopy2 || op == Op::kI32LoadAddImm || op == Op::kI32Load8UAddImm) return 5;
  if (op == Op::kI32AddImmLoad || op == Op::kI32AddImmLoad8U) return 6;
  if (op == Op::kI32AddImm2) return 7;
  if (in(Op::kI32Load, Op::kI64Store32) || in(Op::kI32Add, Op::kI32RemU) || in(Op::kI64Add, Op::kI64RemU)) return 4;
  if (in(Op::kI32Eqz, Op::kI32Extend16S) || in(Op::kI64Eqz, Op::kI64Extend32S)) return 3;
  return 0;
}

// A conditional branch: the branch taken exactly when it is not, and its units (the offset is the last one).
struct CondBranchShape {
  Op inverse;
  uint32_t units;
};
std::optional<CondBranchShape> CondBranchOf(Op op) {
  switch (op) {
    case Op::kBrIf: return CondBranchShape{Op::kBrUnless, 3};
    case Op::kBrUnless: return CondBranchShape{Op::kBrIf, 3};
    case Op::kBrIfI64Eqz: return CondBranchShape{Op::kBrIfI64Nez, 3};
    case Op::kBrIfI64Nez: return CondBranchShape{Op::kBrIfI64Eqz, 3};
    case Op::kBrIfI32AndImm: return CondBranchShape{Op::kBrUnlessI32AndImm, 4};
    case Op::kBrUnlessI32AndImm: return CondBranchShape{Op::kBrIfI32AndImm, 4};
    case Op::kI32AndImmBrIf: return CondBranchShape{Op::kI32AndImmBrUnless, 5};
    case Op::kI32AndImmBrUnless: return CondBranchShape{Op::kI32AndImmBrIf, 5};
    case Op::kBrIfLoad8UEqImm: return CondBranchShape{Op::kBrIfLoad8UNeImm, 6};
    case Op::kBrIfLoad8UNeImm: return CondBranchShape{Op::kBrIfLoad8UEqImm, 6};
    default: break;
  }
  if (op < Op::kBrIfI32Eq || op > Op::kBrIfI64GeUImm) return std::nullopt;
  // Four families of ten comparisons (i32, i32 with a constant, i64, i64 with a constant), in kInverse's order.
  const int i = static_cast<int>(op) - static_cast<int>(Op::kBrIfI32Eq);
  return CondBranchShape{OpAt(Op::kBrIfI32Eq, i / 10 * 10 + kInverse[i % 10]), 4};
}

// The table of numeric instructions 0x45..0xc4 (index opcode - 0x45).
const NumericOp* NumericFor(uint8_t opcode) {
  static const auto* table = [] {
    auto* t = new NumericOp[0xc5 - 0x45];
    auto set = [&](uint8_t code, Op op, ValType a, ValType b, ValType out) {
      t[code - 0x45] = NumericOp{op, a, b, out};
      return &t[code - 0x45];
    };
    constexpr ValType I32 = ValType::kI32, I64 = ValType::kI64, F32 = ValType::kF32, F64 = ValType::kF64;
    set(0x45, Op::kI32Eqz, I32, kAny, I32);
    set(0x50, Op::kI64Eqz, I64, kAny, I32);
    for (int i = 0; i < 10; ++i) {
      for (auto [code, base, type] : {std::tuple{0x46, Op::kI32Eq, I32}, std::tuple{0x51, Op::kI64Eq, I64}}) {
        NumericOp* n = set(static_cast<uint8_t>(code + i), OpAt(base, 2 * i), type, type, I32);
        n->imm = true;
        n->cmp = static_cast<int8_t>(i);
        n->commutative = i < 2;
      }
    }
    // Relative to I32Add: the position of each binary operator in ops.def.
    static const Op kFloatCmp32[] = {Op::kF32Eq, Op::kF32Ne, Op::kF32Lt, Op::kF32Gt, Op::kF32Le, Op::kF32Ge};
    static const Op kFloatCmp64[] = {Op::kF64Eq, Op::kF64Ne, Op::kF64Lt, Op::kF64Gt, Op::kF64Le, Op::kF64Ge};
    for (int i = 0; i < 6; ++i) {
      set(static_cast<uint8_t>(0x5b + i), kFloatCmp32[i], F32, F32, I32);
      set(static_cast<uint8_t>(0x61 + i), kFloatCmp64[i], F64, F64, I32);
    }
    for (auto [code, type, clz, div, add] : {std::tuple{0x67, I32, Op::kI32Clz, Op::kI32DivS, Op::kI32Add},
                                             std::tuple{0x79, I64, Op::kI64Clz, Op::kI64DivS, Op::kI64Add}}) {
      const uint8_t c = static_cast<uint8_t>(code);
      for (int i = 0; i < 3; ++i) set(static_cast<uint8_t>(c + i), OpAt(clz, i), type, kAny, type);  // clz ctz popcnt
      // add sub mul | div_s div_u rem_s rem_u | and or xor shl shr_s shr_u rotl rotr
      static const int kImmIndex[] = {0, 1, 2, -1, -1, -1, -1, 3, 4, 5, 6, 7, 8, 9, 10};
      for (int i = 0; i < 15; ++i) {
        const uint8_t opcode = static_cast<uint8_t>(c + 3 + i);
        if (kImmIndex[i] < 0) {
          set(opcode, OpAt(div, i - 3), type, type, type);
        } else {
          NumericOp* n = set(opcode, OpAt(add, 2 * kImmIndex[i]), type, type, type);
          n->imm = true;
          n->commutative = i == 0 || i == 2 || i == 7 || i == 8 || i == 9;
        }
      }
    }
    for (auto [code, type, abs, bin] :
         {std::tuple{0x8b, F32, Op::kF32Abs, Op::kF32Add}, std::tuple{0x99, F64, Op::kF64Abs, Op::kF64Add}}) {
      for (int i = 0; i < 7; ++i) set(static_cast<uint8_t>(code + i), OpAt(abs, i), type, kAny, type);
      for (int i = 0; i < 7; ++i) set(static_cast<uint8_t>(code + 7 + i), OpAt(bin, i), type, type, type);
    }
    const std::tuple<uint8_t, Op, ValType, ValType> conversions[] = {
        {0xa7, Op::kI32WrapI64, I64, I32},     {0xa8, Op::kI32TruncF32S, F32, I32},
        {0xa9, Op::kI32TruncF32U, F32, I32},   {0xaa, Op::kI32TruncF64S, F64, I32},
        {0xab, Op::kI32TruncF64U, F64, I32},   {0xac, Op::kI64ExtendI32S, I32, I64},
        {0xad, Op::kI64ExtendI32U, I32, I64},  {0xae, Op::kI64TruncF32S, F32, I64},
        {0xaf, Op::kI64TruncF32U, F32, I64},   {0xb0, Op::kI64TruncF64S, F64, I64},
        {0xb1, Op::kI64TruncF64U, F64, I64},   {0xb2, Op::kF32ConvertI32S, I32, F32},
        {0xb3, Op::kF32ConvertI32U, I32, F32}, {0xb4, Op::kF32ConvertI64S, I64, F32},
        {0xb5, Op::kF32ConvertI64U, I64, F32}, {0xb6, Op::kF32DemoteF64, F64, F32},
        {0xb7, Op::kF64ConvertI32S, I32, F64}, {0xb8, Op::kF64ConvertI32U, I32, F64},
        {0xb9, Op::kF64ConvertI64S, I64, F64}, {0xba, Op::kF64ConvertI64U, I64, F64},
        {0xbb, Op::kF64PromoteF32, F32, F64},  {0xbc, Op::kCopy, F32, I32},
        {0xbd, Op::kCopy, F64, I64},           {0xbe, Op::kCopy, I32, F32},
        {0xbf, Op::kCopy, I64, F64},           {0xc0, Op::kI32Extend8S, I32, I32},
        {0xc1, Op::kI32Extend16S, I32, I32},   {0xc2, Op::kI64Extend8S, I64, I64},
        {0xc3, Op::kI64Extend16S, I64, I64},   {0xc4, Op::kI64Extend32S, I64, I64},
    };
    for (auto [code, op, a, out] : conversions) set(code, op, a, kAny, out);
    return t;
  }();
  if (opcode < 0x45 || opcode > 0xc4) return nullptr;
  return &table[opcode - 0x45];
}

// A load or store: its instruction, value type and natural alignment (log2).
struct MemoryOp {
  Op op;
  ValType type;
  uint8_t align;
};
std::optional<MemoryOp> MemoryFor(uint8_t opcode) {
  constexpr ValType I32 = ValType::kI32, I64 = ValType::kI64, F32 = ValType::kF32, F64 = ValType::kF64;
  switch (opcode) {
    case 0x28: return MemoryOp{Op::kI32Load, I32, 2};
    case 0x29: return MemoryOp{Op::kI64Load, I64, 3};
    case 0x2a: return MemoryOp{Op::kI32Load, F32, 2};
    case 0x2b: return MemoryOp{Op::kI64Load, F64, 3};
    case 0x2c: return MemoryOp{Op::kI32Load8S, I32, 0};
    case 0x2d: return MemoryOp{Op::kI32Load8U, I32, 0};
    case 0x2e: return MemoryOp{Op::kI32Load16S, I32, 1};
    case 0x2f: return MemoryOp{Op::kI32Load16U, I32, 1};
    case 0x30: return MemoryOp{Op::kI64Load8S, I64, 0};
    case 0x31: return MemoryOp{Op::kI64Load8U, I64, 0};
    case 0x32: return MemoryOp{Op::kI64Load16S, I64, 1};
    case 0x33: return MemoryOp{Op::kI64Load16U, I64, 1};
    case 0x34: return MemoryOp{Op::kI64Load32S, I64, 2};
    case 0x35: return MemoryOp{Op::kI64Load32U, I64, 2};
    case 0x36: return MemoryOp{Op::kI32Store, I32, 2};
    case 0x37: return MemoryOp{Op::kI64Store, I64, 3};
    case 0x38: return MemoryOp{Op::kI32Store, F32, 2};
    case 0x39: return MemoryOp{Op::kI64Store, F64, 3};
    case 0x3a: return MemoryOp{Op::kI32Store8, I32, 0};
    case 0x3b: return MemoryOp{Op::kI32Store16, I32, 1};
    case 0x3c: return MemoryOp{Op::kI32Store8, I64, 0};
    case 0x3d: return MemoryOp{Op::kI32Store16, I64, 1};
    case 0x3e: return MemoryOp{Op::kI64Store32, I64, 2};
  }
  return std::nullopt;
}

struct Operand {
  enum Where : uint8_t { kTemp, kLocal, kConst };
  ValType type = kAny;
  Where where = kConst;
  uint32_t slot = 0;  // kTemp: its home slot; kLocal: the local's slot
  uint64_t bits = 0;  // kConst (the low half of a v128)
  uint32_t home = 0;  // the slot of its stack position
  uint64_t hi = 0;    // kConst: the high half of a v128
};

// Bytes of a value's slot: 16 for a v128, 8 for the others.
uint32_t SizeOf(ValType t) {
  return t == ValType::kV128 ? 16 : kSlotBytes;
}

// A branch offset to fill in: code[at] = target - base.
struct Fixup {
  uint32_t at, base;
};

struct Ctrl {
  uint8_t kind = 0;  // 0 function, 0x02 block, 0x03 loop, 0x04 if, 0x05 else
  std::vector<ValType> params, results;
  size_t height = 0;           // operand stack height below the params
  bool unreachable = false;    // the rest of the frame is unreachable (its stack is polymorphic)
  bool dead = false;           // no code is emitted: unreachable, or nothing reaches this point
  bool dead_at_entry = false;  // entered from dead code
  uint32_t loop_start = 0;
  std::vector<Fixup> fixups;  // branches to the end
  std::optional<Fixup> else_fixup;
  const std::vector<ValType>& label() const { return kind == 0x03 ? params : results; }
};

class Compiler {
 public:
  Compiler(const ModuleDesc& m, uint32_t index, const int32_t* handlers)
      : m_(m),
        index_(index),
        handlers_(handlers),
        type_(m.func_type(m.imported_funcs + index)),
        body_(std::span<const uint8_t>(m.bytes).subspan(m.bodies[index].begin, m.bodies[index].size)),
        r_(body_) {}

  Result<FunctionCode> Run() {
    if (auto st = Locals(); !st) return st.take_error();
    if (auto st = Body(); !st) return st.take_error();
    FunctionCode out;
    out.code = std::move(code_);
    out.param_bytes = type_.params.empty() ? 0 : local_offsets_[type_.params.size() - 1] + SizeOf(type_.params.back());
    out.local_bytes = locals_bytes_ - out.param_bytes;
    uint32_t results = 0;
    for (ValType t : type_.results) results += SizeOf(t);
    out.frame_bytes = std::max<uint32_t>({max_frame_, locals_bytes_, results});
    return out;
  }

 private:
  // ---- errors ----
  Error Invalid(const std::string& what) const {
    return Fail(ErrorCode::kInvalidModule, "invalid module: function " + std::to_string(m_.imported_funcs + index_) +
                                               ": " + what + " at byte " +
                                               std::to_string(m_.bodies[index_].begin + r_.offset()));
  }

  // ---- immediates ----
  Result<uint32_t> U32() {
    auto v = r_.U32();
    if (!v) return Invalid("malformed or truncated LEB128 immediate");
    return *v;
  }
  Result<uint8_t> Byte() {
    auto v = r_.Byte();
    if (!v) return Invalid("unexpected end");
    return *v;
  }
  Status ZeroByte() {
    auto b = Byte();
    if (!b) return b.take_error();
    if (*b != 0) return Invalid("zero byte expected");
    return Status::Ok();
  }
  Result<ValType> ReadValType() {
    auto b = Byte();
    if (!b) return b.take_error();
    if (auto t = DecodeValType(*b)) return *t;
    return Invalid("malformed value type");
  }

  // ---- the simulated operand stack ----
  // The home slot of stack position pos (pos <= stack size): right above the entry below it.
  uint32_t BaseAt(size_t pos) const {
    return pos == 0 ? locals_bytes_ : stack_[pos - 1].home + SizeOf(stack_[pos - 1].type);
  }
  // The home of value i of a label whose values start at stack height `height`.
  uint32_t LabelHome(size_t height, const std::vector<ValType>& types, size_t i) const {
    uint32_t h = BaseAt(height);
    for (size_t j = 0; j < i; ++j) h += SizeOf(types[j]);
    return h;
  }
  Ctrl& Top() { return ctrl_.back(); }
  bool Live() const { return !ctrl_.back().dead; }

  void PushTemp(ValType t) { PushOperand(Operand{t, Operand::kTemp, 0, 0}); }
  void PushOperand(Operand o) {
    o.home = BaseAt(stack_.size());
    if (o.where == Operand::kTemp) o.slot = o.home;
    stack_.push_back(o);
    max_frame_ = std::max(max_frame_, o.home + SizeOf(o.type == kAny ? ValType::kI64 : o.type));
  }
  Result<Operand> Pop(ValType expected) {
    Ctrl& c = Top();
    if (stack_.size() == c.height) {
      if (c.unreachable) return Operand{expected, Operand::kConst, 0, 0, BaseAt(stack_.size())};
      return Invalid("type mismatch: operand stack empty");
    }
    Operand o = stack_.back();
    if (expected != kAny && o.type != expected && o.type != kAny)
      return Invalid(std::string("type mismatch: expected ") + ValTypeName(expected) + ", got " + ValTypeName(o.type));
    stack_.pop_back();
    if (o.type == kAny) o.type = expected;
    return o;
  }
  // Checks the top of the stack against types without popping.
  Status Peek(const std::vector<ValType>& types) {
    Ctrl& c = Top();
    for (size_t i = 0; i < types.size(); ++i) {
      size_t from_top = types.size() - i;
      if (stack_.size() < c.height + from_top) {
        if (c.unreachable) continue;
        return Invalid("type mismatch: not enough operands");
      }
      ValType have = stack_[stack_.size() - from_top].type;
      if (have != types[i] && have != kAny) return Invalid("type mismatch at a branch or block end");
    }
    return Status::Ok();
  }
  Status PopTypes(const std::vector<ValType>& types) {
    for (size_t i = types.size(); i-- > 0;) {
      auto o = Pop(types[i]);
      if (!o) return o.take_error();
    }
    return Status::Ok();
  }
  // In unreachable code the stack may hold fewer entries than a branch carries: pad it with unknown values.
  void PadTo(size_t n) {
    while (stack_.size() < Top().height + n)
      stack_.insert(stack_.begin() + static_cast<long>(Top().height), Operand{kAny, Operand::kConst, 0, 0});
  }

  // ---- emission ----
  // Nothing emitted so far may be folded into or retargeted by what comes next.
  void Forget() {
    add_pair_at_ = kNoPair;
    last_valid_ = false;
    cmp_.valid = false;
    copy_valid_ = false;
    add_.valid = false;
  }
  void Emit(Op op) {
    Forget();
    if (!Live()) return;
    PruneEmitted();
    emitted_.push_back(Emitted{Pos(), op});
    code_.push_back(Unit(op));
  }
  // The first unit of op: its handler's offset (0 when only validating).
  uint32_t Unit(Op op) const { return handlers_ ? static_cast<uint32_t>(handlers_[static_cast<int>(op)]) : 0u; }
  // Makes the last instruction emitted, which starts at `at`, an op whose operands begin as its own did.
  void Retag(uint32_t at, Op op) {
    code_[at] = Unit(op);
    if (!emitted_.empty() && emitted_.back().start == at) emitted_.back().op = op;
  }
  // Forgets the instructions a fold dropped (code_ was cut back to before them).
  void PruneEmitted() {
    while (!emitted_.empty() && emitted_.back().start >= Pos()) emitted_.pop_back();
  }
  void U(uint32_t v) {
    if (Live()) code_.push_back(v);
  }
  uint32_t Pos() const { return static_cast<uint32_t>(code_.size()); }

  // Emits a copy of o into slot dst (nothing when o already is there).
  void Move(uint32_t dst, const Operand& o) {
    if (o.type == ValType::kV128) {
      if (o.where == Operand::kConst) {
        Emit(Op::kConst128);
        U(dst);
        for (uint64_t half : {o.bits, o.hi}) {
          U(static_cast<uint32_t>(half));
          U(static_cast<uint32_t>(half >> 32));
        }
      } else if (o.slot != dst) {
        Emit(Op::kCopy128);
        U(dst);
        U(o.slot);
      }
      return;
    }
    if (o.where == Operand::kConst) {
      if ((o.bits >> 32) == 0) {
        Emit(Op::kConst32);
        U(dst);
        U(static_cast<uint32_t>(o.bits));
      } else {
        Emit(Op::kConst64);
        U(dst);
        U(static_cast<uint32_t>(o.bits));
        U(static_cast<uint32_t>(o.bits >> 32));
      }
    } else if (o.slot != dst) {
      if (copy_valid_ && Live() && copy_at_ + 3 == Pos()) {  // right after a Copy: one Copy2 does both, in order
        Retag(copy_at_, Op::kCopy2);
        U(dst);
        U(o.slot);
        Forget();
        return;
      }
      Emit(Op::kCopy);
      U(dst);
      U(o.slot);
      copy_valid_ = Live();
      copy_at_ = Pos() - 3;
    }
  }
  // The slot holding o (popped or not): a constant is written to its home slot.
  uint32_t SlotOf(const Operand& o) {
    if (o.where != Operand::kConst) return o.slot;
    Move(o.home, o);
    return o.home;
  }
  void Materialize(size_t pos) {
    Operand& o = stack_[pos];
    if (o.where == Operand::kTemp) return;
    Move(o.home, o);
    o.where = Operand::kTemp;
    o.slot = o.home;
  }
  // Before local `slot` is written: entries that read it get their value copied out.
  void MaterializeReadersOf(uint32_t slot) {
    for (size_t i = 0; i < stack_.size(); ++i)
      if (stack_[i].where == Operand::kLocal && stack_[i].slot == slot) Materialize(i);
  }
  bool HasReadersOf(uint32_t slot) const {
    for (const Operand& o : stack_)
      if (o.where == Operand::kLocal && o.slot == slot) return true;
    return false;
  }
  // Records that the instruction just emitted wrote the new top of stack through its operand at unit dst_at.
  void SetResult(uint32_t dst_at) {
    last_valid_ = Live();
    last_dst_at_ = dst_at;
    last_pos_ = stack_.size() - 1;
  }
  // A jump target: what was emitted last no longer describes the only way here.
  void Label() {
    Forget();
    Barrier();
  }
  // Something may jump (or return) to the code's current end: no peephole may fuse across it.
  void Barrier() {
    barrier_ = Pos();
    emitted_.clear();
  }
  void Bind(const Fixup& f) {
    if (f.at < code_.size()) code_[f.at] = Pos() - f.base;
    Barrier();
  }
  // The instruction the code ends with, when it is op (`units` long) and nothing may jump between it and what comes
  // next: a peephole may then fuse the two (drop it and emit one instruction doing both). Returns its start.
  std::optional<uint32_t> Previous(Op op, uint32_t units) {
    if (!Live() || !handlers_) return std::nullopt;
    PruneEmitted();
    if (emitted_.empty()) return std::nullopt;
    const Emitted& e = emitted_.back();
    if (e.op != op || e.start < barrier_ || e.start + units != Pos()) return std::nullopt;
    return e.start;
  }

  // ---- branches ----
  // Whether the top values are already in the homes of a label of these types whose stack height is height.
  bool InPlace(size_t height, const std::vector<ValType>& types) const {
    const size_t n = types.size();
    for (size_t i = 0; i < n; ++i) {
      const Operand& o = stack_[stack_.size() - n + i];
      if (o.where != Operand::kTemp || o.slot != LabelHome(height, types, i)) return false;
    }
    return true;
  }
  // Copies the top values into the homes of the label (ascending: sources are never below targets).
  void MoveTo(size_t height, const std::vector<ValType>& types) {
    const size_t n = types.size();
    for (size_t i = 0; i < n; ++i) Move(LabelHome(height, types, i), stack_[stack_.size() - n + i]);
  }
  // Emits a jump from the instruction starting at base whose offset is at unit `at` to the label of frame c.
  void JumpOffset(Ctrl& c, uint32_t at, uint32_t base) {
    if (!Live()) return;
    if (c.kind == 0x03)
      code_[at] = c.loop_start - base;
    else
      c.fixups.push_back(Fixup{at, base});
  }
  void EmitBr(Ctrl& c) {
    if (!Live()) return;
    if (c.kind == 0x03 && EmitRotatedBackEdge(c)) return;
    if (const auto prev = Previous(Op::kConst32, 3)) {  // a constant into the label's slot, then the jump: one
      const uint32_t dst = code_[*prev + 1], imm = code_[*prev + 2];
      code_.resize(*prev);
      Emit(Op::kConst32Br);
      U(dst);
      U(imm);
      U(0);
      JumpOffset(c, *prev + 3, *prev);
      return;
    }
    const uint32_t base = Pos();
    Emit(Op::kBr);
    U(0);
    JumpOffset(c, base + 1, base);
  }
  // The instruction whose first unit is code_[at], or nothing when it is not one (handler offsets are distinct).
  std::optional<Op> OpOfUnit(uint32_t at) const {
    for (int op = 0; op < static_cast<int>(Op::kCount); ++op)
      if (static_cast<uint32_t>(handlers_[op]) == code_[at]) return static_cast<Op>(op);
    return std::nullopt;
  }
  // A loop's back edge, when the loop's head is a few plain instructions and a conditional branch (a while loop's
  // test): repeats them here, the branch inverted to jump back right after the head's branch, then a jump to where
  // that branch goes. Each iteration then runs the test without the extra jump to the head. Returns false (nothing
  // emitted) when the head has another shape or its branch goes to an unknown place (the else of an open if).
  bool EmitRotatedBackEdge(const Ctrl& loop) {
    constexpr int kMaxPlain = 4;
    if (!handlers_) return false;
    uint32_t at = loop.loop_start;
    for (int plain = 0; plain <= kMaxPlain; ++plain) {
      if (at >= Pos()) return false;
      const std::optional<Op> op = OpOfUnit(at);
      if (!op) return false;
      if (const uint32_t units = PlainUnits(*op)) {
        at += units;
        continue;
      }
      const std::optional<CondBranchShape> branch = CondBranchOf(*op);
      if (!branch || at + branch->units > Pos()) return false;
      const uint32_t offset_at = at + branch->units - 1;
      const auto offset = static_cast<int32_t>(code_[offset_at]);
      std::vector<Fixup>* pending = nullptr;  // offset 0: a branch to the end of a block not reached yet
      if (offset == 0) {
        for (Ctrl& c : ctrl_)
          for (const Fixup& f : c.fixups)
            if (f.at == offset_at) pending = &c.fixups;
        if (!pending) return false;
      }
      const uint32_t after = at + branch->units;
      std::vector<uint32_t> head(code_.begin() + loop.loop_start, code_.begin() + after);
      const uint32_t copied_branch = Pos() + (at - loop.loop_start);
      head[at - loop.loop_start] = Unit(branch->inverse);
      head.back() = after - copied_branch;
      Forget();
      code_.insert(code_.end(), head.begin(), head.end());
      Barrier();
      const uint32_t exit = Pos();
      Emit(Op::kBr);
      U(offset == 0 ? 0u : at + static_cast<uint32_t>(offset) - exit);
      if (pending) pending->push_back(Fixup{exit + 1, exit});
      return true;
    }
    return false;
  }
  // Emits a branch taken when cond is non-zero (when_true) or zero; returns the fixup of its offset, or nothing
  // when the branch is never taken (a constant condition) or the code is dead. always is set when it always is.
  std::optional<Fixup> EmitCondBranch(const Operand& cond, bool when_true, bool* always) {
    *always = false;
    if (!Live()) return std::nullopt;
    if (cond.where == Operand::kConst) {
      if ((cond.bits != 0) != when_true) return std::nullopt;
      *always = true;
      const uint32_t base = Pos();
      Emit(Op::kBr);
      U(0);
      return Fixup{base + 1, base};
    }
    if (Folds(cmp_, cond)) {
      // Fuse with the comparison just emitted: drop it and branch on its operands.
      code_.resize(cmp_.start);
      const uint32_t base = Pos();
      if (cmp_index_ == kAndTest || cmp_index_ == kAndZeroTest) {
        const bool on_nonzero = (cmp_index_ == kAndTest) == when_true;
        Emit(on_nonzero ? Op::kBrIfI32AndImm : Op::kBrUnlessI32AndImm);
        U(cmp_.a);
        U(cmp_.b);
      } else if (cmp_index_ < 0) {  // eqz
        const bool on_zero = when_true;
        if (cmp_is64_) {
          Emit(on_zero ? Op::kBrIfI64Eqz : Op::kBrIfI64Nez);
        } else {
          Emit(on_zero ? Op::kBrUnless : Op::kBrIf);
        }
        U(cmp_.a);
      } else {
        const int index = when_true ? cmp_index_ : kInverse[cmp_index_];
        const std::optional<uint32_t> load = Previous(Op::kI32Load8U, 4);
        if (!cmp_is64_ && cmp_imm_ && index < 2 && load && code_[*load + 1] == cmp_.a) {
          // A byte just loaded, compared for equality with a constant: one instruction loads and branches.
          const uint32_t dst = code_[*load + 1], addr = code_[*load + 2], offset = code_[*load + 3];
          code_.resize(*load);
          Emit(index == 0 ? Op::kBrIfLoad8UEqImm : Op::kBrIfLoad8UNeImm);
          U(dst);
          U(addr);
          U(offset);
          U(cmp_.b);
          U(0);
          return Fixup{Pos() - 1, *load};
        }
        Op base_op = cmp_is64_ ? (cmp_imm_ ? Op::kBrIfI64EqImm : Op::kBrIfI64Eq)
                               : (cmp_imm_ ? Op::kBrIfI32EqImm : Op::kBrIfI32Eq);
        Emit(OpAt(base_op, index));
        U(cmp_.a);
        U(cmp_.b);
      }
      U(0);
      return Fixup{Pos() - 1, base};
    }
    if (const auto prev = Previous(Op::kI32AndImm, 4); prev && code_[*prev + 1] == cond.slot) {
      // The branch tests what an and with a constant just wrote (a local, or the and would have been folded).
      const uint32_t dst = code_[*prev + 1], a = code_[*prev + 2], imm = code_[*prev + 3];
      code_.resize(*prev);
      Emit(when_true ? Op::kI32AndImmBrIf : Op::kI32AndImmBrUnless);
      U(dst);
      U(a);
      U(imm);
      U(0);
      return Fixup{Pos() - 1, *prev};
    }
    const uint32_t base = Pos();
    Emit(when_true ? Op::kBrIf : Op::kBrUnless);
    U(cond.slot);
    U(0);
    return Fixup{base + 2, base};
  }

  Result<Ctrl*> Label(uint32_t depth) {
    if (depth >= ctrl_.size()) return Invalid("unknown label " + std::to_string(depth));
    return &ctrl_[ctrl_.size() - 1 - depth];
  }

  void SetUnreachable() {
    Ctrl& c = Top();
    stack_.resize(c.height);
    c.unreachable = true;
    c.dead = true;
    Label();
  }

  // Results of the function: the top values into slots 0.., then return.
  void EmitReturn() {
    if (!Live()) return;
    const size_t n = type_.results.size();
    if (n == 1 && type_.results[0] != ValType::kV128) {
      const Operand& o = stack_.back();
      if (o.where == Operand::kConst) {
        Move(0, o);
        Emit(Op::kReturn);
      } else {
        Emit(Op::kReturn1);
        U(o.slot);
      }
      return;
    }
    // Through the homes (above every local, so no result overwrites another's source), leaving the simulated
    // stack as it is: this may be a conditional path (br_if, br_table).
    const size_t first = stack_.size() - n;
    for (size_t i = 0; i < n; ++i) Move(stack_[first + i].home, stack_[first + i]);
    uint32_t dst = 0;
    for (size_t i = 0; i < n; ++i) {
      const ValType t = type_.results[i];
      Move(dst, Operand{t, Operand::kTemp, stack_[first + i].home, 0});
      dst += SizeOf(t);
    }
    Emit(Op::kReturn);
  }

  // ---- blocks ----
  Result<std::pair<std::vector<ValType>, std::vector<ValType>>> BlockType() {
    auto v = r_.S(33);
    if (!v) return Invalid("malformed block type");
    if (*v == -64) return std::pair<std::vector<ValType>, std::vector<ValType>>{};
    if (*v < 0) {
      ValType t;
      switch (*v & 0x7f) {
        case 0x7f: t = ValType::kI32; break;
        case 0x7e: t = ValType::kI64; break;
        case 0x7d: t = ValType::kF32; break;
        case 0x7c: t = ValType::kF64; break;
        case 0x70: t = ValType::kFuncRef; break;
        case 0x6f: t = ValType::kExternRef; break;
        case 0x7b: t = ValType::kV128; break;
        default: return Invalid("malformed block type");
      }
      return std::pair<std::vector<ValType>, std::vector<ValType>>{{}, {t}};
    }
    if (static_cast<uint64_t>(*v) >= m_.types.size()) return Invalid("unknown type " + std::to_string(*v));
    const FuncType& ft = m_.types[static_cast<size_t>(*v)];
    return std::pair{ft.params, ft.results};
  }

  // Opens a block, loop or if whose params are on the stack (checked). Materializes what must be in home slots.
  Status Enter(uint8_t kind, std::vector<ValType> params, std::vector<ValType> results) {
    if (auto st = Peek(params); !st) return st;
    PadTo(params.size());
    if (Live()) {
      for (size_t i = 0; i < stack_.size(); ++i)
        if (stack_[i].where == Operand::kLocal || i >= stack_.size() - params.size()) Materialize(i);
    }
    Ctrl c;
    c.kind = kind;
    c.height = stack_.size() - params.size();
    c.dead_at_entry = c.dead = !Live();
    c.params = std::move(params);
    c.results = std::move(results);
    for (size_t i = c.height; i < stack_.size(); ++i) {  // unknown values in dead code take the param types
      stack_[i].type = c.params[i - c.height];
    }
    ctrl_.push_back(std::move(c));
    if (kind == 0x03) {  // the loop's start is a branch target
      Label();
      Top().loop_start = Pos();
    }
    return Status::Ok();
  }

  // The values of the frame's results at its end, in their homes, as the new top of the enclosing frame.
  void PushResults(const Ctrl& c) {
    stack_.resize(c.height);
    for (ValType t : c.results) PushTemp(t);
  }

  Status End() {
    Ctrl& c = Top();
    if (auto st = Peek(c.results); !st) return st;
    if (stack_.size() > c.height + c.results.size())
      return Invalid("type mismatch: values remain on the stack at the end of a block");
    if (!c.unreachable && stack_.size() != c.height + c.results.size())
      return Invalid("type mismatch: missing values at the end of a block");
    PadTo(c.results.size());
    if (c.kind == 0) {  // the function's end
      EmitReturn();
      Label();
      if (!c.fixups.empty()) {
        c.dead = false;
        for (const Fixup& f : c.fixups) Bind(f);
        stack_.resize(c.height);
        for (ValType t : c.results) PushTemp(t);
        EmitReturn();
      }
      ctrl_.pop_back();
      return Status::Ok();
    }
    if (c.kind == 0x04 && c.params != c.results) return Invalid("type mismatch: if without else must not change types");
    // Fall through: the results into their homes.
    if (Live()) MoveTo(c.height, c.results);
    bool reached = Live();
    if (c.else_fixup) {  // an if without else: its false branch arrives here with the params as results
      c.dead = c.dead_at_entry;
      Bind(*c.else_fixup);
      reached |= !c.dead_at_entry;
    }
    for (const Fixup& f : c.fixups) Bind(f);
    reached |= !c.fixups.empty();
    Ctrl done = std::move(c);
    ctrl_.pop_back();
    PushResults(done);
    Top().dead = Top().unreachable || done.dead_at_entry || !reached;
    Label();
    return Status::Ok();
  }

  Status Else() {
    Ctrl& c = Top();
    if (c.kind != 0x04) return Invalid("else without if");
    if (auto st = Peek(c.results); !st) return st;
    if (stack_.size() > c.height + c.results.size() || (!c.unreachable && stack_.size() != c.height + c.results.size()))
      return Invalid("type mismatch: wrong number of values at else");
    PadTo(c.results.size());
    if (Live()) {
      MoveTo(c.height, c.results);
      EmitBr(c);
    }
    c.kind = 0x05;
    c.unreachable = false;
    c.dead = c.dead_at_entry;
    if (c.else_fixup) Bind(*c.else_fixup);
    c.else_fixup.reset();
    stack_.resize(c.height);
    for (ValType t : c.params) PushTemp(t);
    Label();
    return Status::Ok();
  }

  // ---- locals ----
  Status Locals() {
    for (ValType t : type_.params) local_types_.push_back(t);
    auto groups = r_.U32();
    if (!groups) return Invalid("malformed local declarations");
    uint64_t total = type_.params.size();
    for (uint32_t i = 0; i < *groups; ++i) {
      auto n = r_.U32();
      if (!n) return Invalid("malformed local count");
      total += *n;
      if (total > kMaxLocals) return Invalid("too many locals");
      auto t = ReadValType();
      if (!t) return t.take_error();
      local_types_.insert(local_types_.end(), *n, *t);
    }
    for (ValType t : local_types_) {
      local_offsets_.push_back(locals_bytes_);
      locals_bytes_ += SizeOf(t);
    }
    return Status::Ok();
  }
  Result<uint32_t> LocalIndex() {
    auto i = U32();
    if (!i) return i;
    if (*i >= local_types_.size()) return Invalid("unknown local " + std::to_string(*i));
    return *i;
  }

  // local.set / local.tee: the value into the local, written by the instruction that computed it when it can.
  Status SetLocal(bool tee) {
    auto i = LocalIndex();
    if (!i) return i.take_error();
    const uint32_t slot = local_offsets_[*i];
    auto v = Pop(local_types_[*i]);
    if (!v) return v.take_error();
    if (Live()) {
      const bool retarget = last_valid_ && v->where == Operand::kTemp && last_pos_ == stack_.size() &&
                            v->slot == v->home && !HasReadersOf(slot);
      if (retarget) {
        code_[last_dst_at_] = slot;
      } else {
        MaterializeReadersOf(slot);
        Move(slot, *v);
      }
    }
    const bool copied = copy_valid_;  // a Copy2 stays right: it writes in order
    Forget();
    copy_valid_ = copied;
    if (tee) PushOperand(Operand{local_types_[*i], Operand::kLocal, slot, 0});
    return Status::Ok();
  }

  // ---- numeric ----
  Status Numeric(const NumericOp& n) {
    if (n.b == kAny) {  // unary
      auto a = Pop(n.a);
      if (!a) return a.take_error();
      // An eqz of the bit test just emitted: a branch on it drops both instructions and tests the bits for zero.
      const bool of_and_test = n.op == Op::kI32Eqz && cmp_index_ == kAndTest && Folds(cmp_, *a);
      const Foldable and_test = cmp_;
      const uint32_t src = SlotOf(*a);
      PushTemp(n.out);
      const uint32_t start = Pos();
      Emit(n.op);
      U(stack_.back().home);
      U(src);
      SetResult(start + 1);
      if (of_and_test)
        SetCompare(and_test.start, kAndZeroTest, false, true, and_test.a, and_test.b);
      else if (n.op == Op::kI32Eqz || n.op == Op::kI64Eqz)
        SetCompare(start, -1, n.op == Op::kI64Eqz, false, src, 0);
      return Status::Ok();
    }
    auto b = Pop(n.b);
    if (!b) return b.take_error();
    auto a = Pop(n.a);
    if (!a) return a.take_error();
    const bool is64 = n.a == ValType::kI64;
    auto fits_imm = [&](const Operand& o) {
      return o.where == Operand::kConst &&
             (!is64 || static_cast<int64_t>(static_cast<int32_t>(o.bits)) == static_cast<int64_t>(o.bits));
    };
    Op op = n.op;
    int cmp = n.cmp;
    uint32_t sa, sb;
    bool imm = false;
    if (n.imm && fits_imm(*b) && a->where != Operand::kConst) {
      imm = true;
      sa = a->slot;
      sb = static_cast<uint32_t>(b->bits);
    } else if (n.imm && fits_imm(*a) && b->where != Operand::kConst && (n.commutative || cmp >= 0)) {
      imm = true;
      sa = b->slot;
      sb = static_cast<uint32_t>(a->bits);
      if (cmp >= 0) {
        cmp = kMirror[cmp];
        op = OpAt(is64 ? Op::kI64Eq : Op::kI32Eq, 2 * cmp);
      }
    } else if (op == Op::kI32Sub && fits_imm(*a) && b->where != Operand::kConst) {  // constant - x
      PushTemp(n.out);
      const uint32_t start = Pos();
      Emit(Op::kI32RSubImm);
      U(stack_.back().home);
      U(b->slot);
      U(static_cast<uint32_t>(a->bits));
      SetResult(start + 1);
      return Status::Ok();
    } else {
      sa = SlotOf(*a);
      sb = SlotOf(*b);
    }
    PushTemp(n.out);
    if (const auto prev = imm && op == Op::kI32Add ? Previous(Op::kI32AddImm, 4) : std::nullopt) {
      // Two adds of a constant in a row: one instruction does both, in order. The second stays foldable into a load
      // (add_pair_at_ says how to split them again).
      const uint32_t at = *prev;
      Retag(at, Op::kI32AddImm2);
      Forget();
      U(stack_.back().home);
      U(sa);
      U(sb);
      SetResult(at + 4);
      add_ = Foldable{true, at + 4, sa, sb, stack_.back().home, stack_.size() - 1};
      add_pair_at_ = at;
      return Status::Ok();
    }
    const uint32_t start = Pos();
    Emit(imm ? OpAt(op, 1) : op);
    U(stack_.back().home);
    U(sa);
    U(sb);
    SetResult(start + 1);
    if (cmp >= 0) SetCompare(start, cmp, is64, imm, sa, sb);
    if (op == Op::kI32And && imm)
      SetCompare(start, kAndTest, false, true, sa, sb);               // a bit test, when a branch takes it
    if (op == Op::kI32Add && imm) add_ = JustEmitted(start, sa, sb);  // an address, when a load takes it
    return Status::Ok();
  }
  void SetCompare(uint32_t start, int index, bool is64, bool imm, uint32_t a, uint32_t b) {
    cmp_ = JustEmitted(start, a, b);
    cmp_index_ = index;
    cmp_is64_ = is64;
    cmp_imm_ = imm;
  }
  // The instruction at start, with operand slots a and b, whose result is the temp on top of the stack.
  Foldable JustEmitted(uint32_t start, uint32_t a, uint32_t b) const {
    return Foldable{Live(), start, a, b, stack_.back().home, stack_.size() - 1};
  }
  // Whether o, just popped, is the result of f, so that the instruction consuming it may drop f.
  bool Folds(const Foldable& f, const Operand& o) const {
    return f.valid && o.where == Operand::kTemp && o.slot == f.dst && f.pos == stack_.size();
  }

  // ---- memory ----
  Status NeedMemory() {
    if (m_.memories.empty()) return Invalid("unknown memory 0");
    return Status::Ok();
  }
  Status MemoryAccess(const MemoryOp& mo, bool store) {
    auto align = U32();
    if (!align) return align.take_error();
    auto offset = U32();
    if (!offset) return offset.take_error();
    if (auto st = NeedMemory(); !st) return st;
    if (*align > mo.align) return Invalid("alignment must not be larger than natural");
    if (store) {
      auto v = Pop(mo.type);
      if (!v) return v.take_error();
      auto addr = Pop(ValType::kI32);
      if (!addr) return addr.take_error();
      const uint32_t sa = SlotOf(*addr);
      const bool imm32 = mo.op == Op::kI32Store || mo.op == Op::kI32Store8;
      if (v->where == Operand::kConst &&
          (imm32 || (mo.op == Op::kI64Store &&
                     static_cast<int64_t>(static_cast<int32_t>(v->bits)) == static_cast<int64_t>(v->bits)))) {
        Emit(mo.op == Op::kI32Store ? Op::kI32StoreImm : mo.op == Op::kI64Store ? Op::kI64StoreImm : Op::kI32Store8Imm);
        U(sa);
        U(static_cast<uint32_t>(v->bits));
        U(*offset);
        return Status::Ok();
      }
      const uint32_t sv = SlotOf(*v);
      Emit(mo.op);
      U(sa);
      U(sv);
      U(*offset);
      return Status::Ok();
    }
    auto addr = Pop(ValType::kI32);
    if (!addr) return addr.take_error();
    if (addr->where == Operand::kConst && (mo.op == Op::kI32Load || mo.op == Op::kI64Load) &&
        (addr->bits & 0xffffffffu) + *offset <= UINT32_MAX) {  // a constant address: the sum is known
      PushTemp(mo.type);
      const uint32_t start = Pos();
      Emit(mo.op == Op::kI32Load ? Op::kI32LoadAbs : Op::kI64LoadAbs);
      U(stack_.back().home);
      U(static_cast<uint32_t>((addr->bits & 0xffffffffu) + *offset));
      SetResult(start + 1);
      return Status::Ok();
    }
    if (Folds(add_, *addr) && (mo.op == Op::kI32Load || mo.op == Op::kI32Load8U)) {
      // The address is the i32.add of a constant just emitted: drop it, the load adds.
      const uint32_t a = add_.a, imm = add_.b;
      if (add_pair_at_ != kNoPair) {  // it is the second half of an I32AddImm2: the first stays alone
        Retag(add_pair_at_, Op::kI32AddImm);
      }
      code_.resize(add_.start);
      PushTemp(mo.type);
      const uint32_t start = Pos();
      Emit(mo.op == Op::kI32Load ? Op::kI32LoadAddImm : Op::kI32Load8UAddImm);
      U(stack_.back().home);
      U(a);
      U(imm);
      U(*offset);
      SetResult(start + 1);
      return Status::Ok();
    }
    const uint32_t sa = SlotOf(*addr);
    PushTemp(mo.type);
    const auto add = mo.op == Op::kI32Load || mo.op == Op::kI32Load8U ? Previous(Op::kI32AddImm, 4) : std::nullopt;
    if (add && code_[*add + 1] == sa) {
      // The address was just computed by an add of a constant into a local (p = p + 1; *p): one instruction does both.
      Retag(*add, mo.op == Op::kI32Load ? Op::kI32AddImmLoad : Op::kI32AddImmLoad8U);
      Forget();
      U(stack_.back().home);
      U(*offset);
      SetResult(*add + 4);
      return Status::Ok();
    }
    const uint32_t start = Pos();
    Emit(mo.op);
    U(stack_.back().home);
    U(sa);
    U(*offset);
    SetResult(start + 1);
    return Status::Ok();
  }

  // Pops n operands of the given types; emits op with its result slot (when result is not kAny) then the operand
  // slots, then the extra immediates.
  Status Generic(Op op, const std::vector<ValType>& in, ValType result, std::initializer_list<uint32_t> imms_before,
                 std::initializer_list<uint32_t> imms_after = {}) {
    std::vector<Operand> args(in.size());
    for (size_t i = in.size(); i-- > 0;) {
      auto o = Pop(in[i]);
      if (!o) return o.take_error();
      args[i] = *o;
    }
    std::vector<uint32_t> slots(in.size());
    for (size_t i = 0; i < in.size(); ++i) slots[i] = SlotOf(args[i]);
    if (result != kAny) PushTemp(result);
    const uint32_t start = Pos();
    Emit(op);
    if (result != kAny) U(stack_.back().home);
    for (uint32_t v : imms_before) U(v);
    for (uint32_t s : slots) U(s);
    for (uint32_t v : imms_after) U(v);
    if (result != kAny) SetResult(start + 1);
    return Status::Ok();
  }

  // ---- calls ----
  // Arguments (the top params.size() values) into the slots that become the callee's frame; returns that offset.
  uint32_t PrepareArgs(size_t nargs, size_t extra_above) {
    const size_t first = stack_.size() - nargs - extra_above;
    for (size_t i = first; i < first + nargs; ++i) Materialize(i);
    return first < stack_.size() ? stack_[first].home : BaseAt(first);
  }
  void FinishCall(const FuncType& t) {
    stack_.resize(stack_.size() - t.params.size());
    for (ValType r : t.results) PushTemp(r);
    // The callee's frame starts there; it may use any slot above, so only the caller's max height matters.
    Label();
  }

  Status Call() {
    auto f = U32();
    if (!f) return f.take_error();
    if (*f >= m_.func_types.size()) return Invalid("unknown function " + std::to_string(*f));
    const FuncType& t = m_.func_type(*f);
    if (auto st = Peek(t.params); !st) return st;
    PadTo(t.params.size());
    const uint32_t frame = PrepareArgs(t.params.size(), 0);
    if (*f < m_.imported_funcs) {
      Emit(Op::kCallImport);
      U(*f);
    } else {
      Emit(Op::kCall);
      U(*f - m_.imported_funcs);
    }
    U(frame);
    FinishCall(t);
    return Status::Ok();
  }

  Status CallIndirect() {
    auto type_index = U32();
    if (!type_index) return type_index.take_error();
    auto table = U32();
    if (!table) return table.take_error();
    if (*table >= m_.tables.size()) return Invalid("unknown table " + std::to_string(*table));
    if (*type_index >= m_.types.size()) return Invalid("unknown type " + std::to_string(*type_index));
    if (m_.tables[*table].elem != ValType::kFuncRef)
      return Invalid("type mismatch: call_indirect on a non-funcref table");
    const FuncType& t = m_.types[*type_index];
    auto elem = Pop(ValType::kI32);
    if (!elem) return elem.take_error();
    if (auto st = Peek(t.params); !st) return st;
    PadTo(t.params.size());
    const uint32_t elem_slot = SlotOf(*elem);
    const uint32_t frame = PrepareArgs(t.params.size(), 0);
    Emit(Op::kCallIndirect);
    U(m_.type_ids[*type_index]);
    U(*table);
    U(elem_slot);
    U(frame);
    FinishCall(t);
    return Status::Ok();
  }

  // ---- branches ----
  Status Br() {
    auto depth = U32();
    if (!depth) return depth.take_error();
    auto target = Label(*depth);
    if (!target) return target.take_error();
    Ctrl& c = **target;
    const size_t n = c.label().size();
    if (auto st = Peek(c.label()); !st) return st;
    PadTo(n);
    if (Live()) {
      if (c.kind == 0) {
        EmitReturn();
      } else {
        MoveTo(c.height, c.label());
        EmitBr(c);
      }
    }
    SetUnreachable();
    return Status::Ok();
  }

  Status BrIf() {
    auto depth = U32();
    if (!depth) return depth.take_error();
    auto target = Label(*depth);
    if (!target) return target.take_error();
    auto cond = Pop(ValType::kI32);
    if (!cond) return cond.take_error();
    Ctrl& c = **target;
    const size_t n = c.label().size();
    if (auto st = Peek(c.label()); !st) return st;
    PadTo(n);
    // The values stay on the stack with the label's types.
    for (size_t i = 0; i < n; ++i)
      if (stack_[stack_.size() - n + i].type == kAny) stack_[stack_.size() - n + i].type = c.label()[i];
    if (!Live()) return Status::Ok();
    bool always = false;
    if (c.kind != 0 && InPlace(c.height, c.label())) {
      auto f = EmitCondBranch(*cond, true, &always);
      if (f) JumpOffset(c, f->at, f->base);
      if (always) Top().dead = true;
    } else {
      auto skip = EmitCondBranch(*cond, false, &always);
      if (c.kind == 0) {
        EmitReturn();
      } else {
        MoveTo(c.height, c.label());
        EmitBr(c);
      }
      Label();
      if (skip)
        Bind(*skip);
      else
        Top().dead = true;  // a constant true condition: nothing falls through
    }
    Label();
    return Status::Ok();
  }

  Status BrTable() {
    auto count = U32();
    if (!count) return count.take_error();
    if (*count > r_.remaining()) return Invalid("unexpected end in br_table");
    std::vector<uint32_t> depths(*count + 1);
    for (uint32_t& d : depths) {
      auto v = U32();
      if (!v) return v.take_error();
      d = *v;
    }
    auto index = Pop(ValType::kI32);
    if (!index) return index.take_error();
    std::optional<size_t> arity;
    for (uint32_t d : depths) {
      auto target = Label(d);
      if (!target) return target.take_error();
      const auto& label = (*target)->label();
      if (arity && *arity != label.size()) return Invalid("type mismatch: br_table labels of different arities");
      arity = label.size();
      if (auto st = Peek(label); !st) return st;
    }
    PadTo(*arity);
    if (Live()) {
      const uint32_t slot = SlotOf(*index);
      const uint32_t base = Pos();
      Emit(Op::kBrTable);
      U(slot);
      U(*count);
      const uint32_t table = Pos();
      for (size_t i = 0; i < depths.size(); ++i) U(0);
      // Targets whose values must be moved get a landing pad after the table.
      std::vector<std::pair<uint32_t, uint32_t>> pads;  // depth, pad position
      for (size_t i = 0; i < depths.size(); ++i) {
        Ctrl& c = ctrl_[ctrl_.size() - 1 - depths[i]];
        if (c.kind != 0 && InPlace(c.height, c.label())) {
          JumpOffset(c, table + static_cast<uint32_t>(i), base);
          continue;
        }
        uint32_t pad = 0;
        for (auto [d, p] : pads)
          if (d == depths[i]) pad = p;
        if (!pad) {
          pad = Pos();
          pads.emplace_back(depths[i], pad);
          Label();
          if (c.kind == 0) {
            EmitReturn();
          } else {
            MoveTo(c.height, c.label());
            EmitBr(c);
          }
        }
        code_[table + i] = pad - base;
      }
    }
    SetUnreachable();
    return Status::Ok();
  }

  // ---- the body ----
  Status Body() {
    Ctrl fn;
    fn.kind = 0;
    fn.results = type_.results;
    ctrl_.push_back(std::move(fn));
    while (!ctrl_.empty()) {
      auto opcode = r_.Byte();
      if (!opcode) return Invalid("unexpected end of function");
      if (auto st = Instruction(*opcode); !st) return st;
    }
    if (!r_.at_end()) return Invalid("section size mismatch: bytes after the function's end");
    return Status::Ok();
  }

  Result<uint32_t> TableIndex() {
    auto t = U32();
    if (!t) return t;
    if (*t >= m_.tables.size()) return Invalid("unknown table " + std::to_string(*t));
    return *t;
  }

  Status Instruction(uint8_t op) {
    if (const NumericOp* n = NumericFor(op); n && n->op != Op::kCount) return Numeric(*n);
    if (auto mo = MemoryFor(op)) return MemoryAccess(*mo, op >= 0x36);
    switch (op) {
      case 0x00:  // unreachable
        Emit(Op::kUnreachable);
        SetUnreachable();
        return Status::Ok();
      case 0x01: return Status::Ok();  // nop
      case 0x02:
      case 0x03: {
        auto bt = BlockType();
        if (!bt) return bt.take_error();
        return Enter(op, std::move(bt->first), std::move(bt->second));
      }
      case 0x04: {
        auto bt = BlockType();
        if (!bt) return bt.take_error();
        auto cond = Pop(ValType::kI32);
        if (!cond) return cond.take_error();
        // Enter may copy stack entries into their homes; the condition's slot is not one of them.
        if (auto st = Enter(0x04, std::move(bt->first), std::move(bt->second)); !st) return st;
        bool always = false;
        Top().else_fixup = EmitCondBranch(*cond, false, &always);
        if (always) Top().dead = true;  // a constant false condition: the then arm is never run
        Label();
        return Status::Ok();
      }
      case 0x05: return Else();
      case 0x0b: return End();
      case 0x0c: return Br();
      case 0x0d: return BrIf();
      case 0x0e: return BrTable();
      case 0x0f: {  // return
        if (auto st = Peek(type_.results); !st) return st;
        PadTo(type_.results.size());
        EmitReturn();
        SetUnreachable();
        return Status::Ok();
      }
      case 0x10: return Call();
      case 0x11: return CallIndirect();
      case 0x1a: {  // drop
        auto v = Pop(kAny);
        return v ? Status::Ok() : Status(v.take_error());
      }
      case 0x1b:
      case 0x1c: {  // select, select t
        ValType t = kAny;
        if (op == 0x1c) {
          auto n = U32();
          if (!n) return n.take_error();
          if (*n != 1) return Invalid("invalid result arity of select");
          auto vt = ReadValType();
          if (!vt) return vt.take_error();
          t = *vt;
        }
        auto cond = Pop(ValType::kI32);
        if (!cond) return cond.take_error();
        auto b = Pop(t);
        if (!b) return b.take_error();
        auto a = Pop(t == kAny ? b->type : t);
        if (!a) return a.take_error();
        ValType result = a->type == kAny ? b->type : a->type;
        if (op == 0x1b && result != kAny && IsRef(result)) return Invalid("type mismatch: select of references");
        auto imm32 = [&](const Operand& o) { return o.where == Operand::kConst && (o.bits >> 32) == 0; };
        if (result != ValType::kV128 && (imm32(*a) || imm32(*b))) {  // a constant arm: an immediate
          const bool b_imm = imm32(*b);
          const uint32_t arm = b_imm ? SlotOf(*a) : SlotOf(*b), sc = SlotOf(*cond);
          PushTemp(result);
          const uint32_t start = Pos();
          Emit(b_imm ? Op::kSelectImmB : Op::kSelectImmA);
          U(stack_.back().home);
          U(b_imm ? arm : static_cast<uint32_t>(a->bits));
          U(b_imm ? static_cast<uint32_t>(b->bits) : arm);
          U(sc);
          SetResult(start + 1);
          return Status::Ok();
        }
        const uint32_t sa = SlotOf(*a), sb = SlotOf(*b), sc = SlotOf(*cond);
        PushTemp(result);
        const uint32_t start = Pos();
        Emit(result == ValType::kV128 ? Op::kSelect128 : Op::kSelect);
        U(stack_.back().home);
        U(sa);
        U(sb);
        U(sc);
        SetResult(start + 1);
        return Status::Ok();
      }
      case 0x20: {  // local.get
        auto i = LocalIndex();
        if (!i) return i.take_error();
        PushOperand(Operand{local_types_[*i], Operand::kLocal, local_offsets_[*i], 0});
        return Status::Ok();
      }
      case 0x21: return SetLocal(false);
      case 0x22: return SetLocal(true);
      case 0x23: {  // global.get
        auto g = U32();
        if (!g) return g.take_error();
        if (*g >= m_.globals.size()) return Invalid("unknown global " + std::to_string(*g));
        PushTemp(m_.globals[*g].type);
        const uint32_t start = Pos();
        Emit(m_.globals[*g].type == ValType::kV128 ? Op::kGlobalGet128 : Op::kGlobalGet);
        U(stack_.back().home);
        U(*g);
        SetResult(start + 1);
        return Status::Ok();
      }
      case 0x24: {  // global.set
        auto g = U32();
        if (!g) return g.take_error();
        if (*g >= m_.globals.size()) return Invalid("unknown global " + std::to_string(*g));
        if (!m_.globals[*g].mutable_) return Invalid("global is immutable");
        auto v = Pop(m_.globals[*g].type);
        if (!v) return v.take_error();
        const uint32_t s = SlotOf(*v);
        Emit(m_.globals[*g].type == ValType::kV128 ? Op::kGlobalSet128 : Op::kGlobalSet);
        U(*g);
        U(s);
        return Status::Ok();
      }
      case 0x25: {  // table.get
        auto t = TableIndex();
        if (!t) return t.take_error();
        return Generic(Op::kTableGet, {ValType::kI32}, m_.tables[*t].elem, {*t});
      }
      case 0x26: {  // table.set
        auto t = TableIndex();
        if (!t) return t.take_error();
        return Generic(Op::kTableSet, {ValType::kI32, m_.tables[*t].elem}, kAny, {*t});
      }
      case 0x3f:
      case 0x40: {  // memory.size, memory.grow
        if (auto st = ZeroByte(); !st) return st;
        if (auto st = NeedMemory(); !st) return st;
        if (op == 0x3f) return Generic(Op::kMemorySize, {}, ValType::kI32, {});
        return Generic(Op::kMemoryGrow, {ValType::kI32}, ValType::kI32, {});
      }
      case 0x41: {
        auto v = r_.S(32);
        if (!v) return Invalid("malformed i32.const");
        PushOperand(Operand{ValType::kI32, Operand::kConst, 0, static_cast<uint32_t>(*v)});
        return Status::Ok();
      }
      case 0x42: {
        auto v = r_.S(64);
        if (!v) return Invalid("malformed i64.const");
        PushOperand(Operand{ValType::kI64, Operand::kConst, 0, static_cast<uint64_t>(*v)});
        return Status::Ok();
      }
      case 0x43:
      case 0x44: {
        const size_t n = op == 0x43 ? 4 : 8;
        auto b = r_.Bytes(n);
        if (!b) return Invalid("unexpected end");
        uint64_t bits = 0;
        std::memcpy(&bits, b->data(), n);
        PushOperand(Operand{op == 0x43 ? ValType::kF32 : ValType::kF64, Operand::kConst, 0, bits});
        return Status::Ok();
      }
      case 0xd0: {  // ref.null t
        auto b = Byte();
        if (!b) return b.take_error();
        if (*b != 0x70 && *b != 0x6f) return Invalid("malformed reference type");
        PushOperand(Operand{*b == 0x70 ? ValType::kFuncRef : ValType::kExternRef, Operand::kConst, 0, 0});
        return Status::Ok();
      }
      case 0xd1: {  // ref.is_null
        auto v = Pop(kAny);
        if (!v) return v.take_error();
        if (v->type != kAny && !IsRef(v->type)) return Invalid("type mismatch: ref.is_null of a number");
        PushOperand(*v);
        stack_.back().type = ValType::kI64;  // a null reference is the all-zero slot
        return Numeric(*NumericFor(0x50));
      }
      case 0xd2: {  // ref.func
        auto f = U32();
        if (!f) return f.take_error();
        if (*f >= m_.func_types.size()) return Invalid("unknown function " + std::to_string(*f));
        if (*f >= m_.declared_funcs.size() || !m_.declared_funcs[*f]) return Invalid("undeclared function reference");
        return Generic(Op::kRefFunc, {}, ValType::kFuncRef, {*f});
      }
      case 0xfc: return Prefixed();
      case 0xfd: return Simd();
    }
    return Invalid("illegal opcode " + std::to_string(op));
  }

  // A SIMD instruction (0xfd prefix), as simd.h describes it.
  Status Simd() {
    auto sub = U32();
    if (!sub) return sub.take_error();
    const SimdOp* op = FindSimdOp(*sub);
    if (!op) return Invalid("illegal opcode 0xfd " + std::to_string(*sub));
    using Kind = SimdOp::Kind;
    if (op->kind == Kind::kConst) {
      auto b = r_.Bytes(16);
      if (!b) return Invalid("unexpected end");
      Operand o{ValType::kV128, Operand::kConst, 0, 0};
      std::memcpy(&o.bits, b->data(), 8);
      std::memcpy(&o.hi, b->data() + 8, 8);
      PushOperand(o);
      return Status::Ok();
    }
    if (op->kind == Kind::kShuffle) {
      auto lanes = r_.Bytes(16);
      if (!lanes) return Invalid("unexpected end");
      for (uint8_t l : *lanes)
        if (l >= 32) return Invalid("invalid lane index");
      auto b = Pop(ValType::kV128);
      if (!b) return b.take_error();
      auto a = Pop(ValType::kV128);
      if (!a) return a.take_error();
      const uint32_t sa = SlotOf(*a), sb = SlotOf(*b);
      PushTemp(ValType::kV128);
      const uint32_t start = Pos();
      Emit(Op::kShuffle);
      U(stack_.back().home);
      U(sa);
      U(sb);
      for (int i = 0; i < 4; ++i) {
        uint32_t unit;
        std::memcpy(&unit, lanes->data() + 4 * i, 4);
        U(unit);
      }
      SetResult(start + 1);
      return Status::Ok();
    }
    uint32_t offset = 0;
    if (op->kind == Kind::kLoad || op->kind == Kind::kStore) {
      auto align = U32();
      if (!align) return align.take_error();
      auto off = U32();
      if (!off) return off.take_error();
      if (auto st = NeedMemory(); !st) return st;
      if (*align > op->align) return Invalid("alignment must not be larger than natural");
      offset = *off;
    }
    uint32_t lane = 0;
    if (op->lanes) {
      auto l = Byte();
      if (!l) return l.take_error();
      if (*l >= op->lanes) return Invalid("invalid lane index");
      lane = *l;
    }
    Operand in[3];
    for (int i = op->inputs; i-- > 0;) {
      auto o = Pop(op->in[i]);
      if (!o) return o.take_error();
      in[i] = *o;
    }
    uint32_t slots[3] = {0, 0, 0};
    for (int i = 0; i < op->inputs; ++i) slots[i] = SlotOf(in[i]);
    if (op->kind == Kind::kStore) {
      Emit(Op::kSimdStore);
      U(*sub);
      U(slots[0]);
      U(slots[1]);
      U(offset);
      U(lane);
      U(op->bytes);
      return Status::Ok();
    }
    PushTemp(op->kind == Kind::kLoad ? ValType::kV128 : op->out);
    const uint32_t start = Pos();
    if (op->kind == Kind::kLoad) {
      Emit(Op::kSimdLoad);
      U(*sub);
      U(stack_.back().home);
      U(slots[0]);
      U(offset);
      U(slots[1]);
      U(lane);
      U(op->bytes);
    } else {
      Emit(Op::kSimd);
      U(*sub);
      U(stack_.back().home);
      U(slots[0]);
      U(slots[1]);
      U(slots[2]);
      U(lane);
    }
    SetResult(start + 2);
    return Status::Ok();
  }

  Status Prefixed() {
    auto sub = U32();
    if (!sub) return sub.take_error();
    constexpr ValType I32 = ValType::kI32, I64 = ValType::kI64, F32 = ValType::kF32, F64 = ValType::kF64;
    static const std::tuple<Op, ValType, ValType> kSat[] = {
        {Op::kI32TruncSatF32S, F32, I32}, {Op::kI32TruncSatF32U, F32, I32}, {Op::kI32TruncSatF64S, F64, I32},
        {Op::kI32TruncSatF64U, F64, I32}, {Op::kI64TruncSatF32S, F32, I64}, {Op::kI64TruncSatF32U, F32, I64},
        {Op::kI64TruncSatF64S, F64, I64}, {Op::kI64TruncSatF64U, F64, I64}};
    if (*sub < 8) {
      auto [op, a, out] = kSat[*sub];
      return Numeric(NumericOp{op, a, kAny, out});
    }
    switch (*sub) {
      case 8: {  // memory.init
        auto seg = U32();
        if (!seg) return seg.take_error();
        if (auto st = ZeroByte(); !st) return st;
        if (auto st = NeedMemory(); !st) return st;
        if (!m_.data_count) return Invalid("data count section required");
        if (*seg >= *m_.data_count) return Invalid("unknown data segment " + std::to_string(*seg));
        return Generic(Op::kMemoryInit, {I32, I32, I32}, kAny, {*seg});
      }
      case 9: {  // data.drop
        auto seg = U32();
        if (!seg) return seg.take_error();
        if (!m_.data_count) return Invalid("data count section required");
        if (*seg >= *m_.data_count) return Invalid("unknown data segment " + std::to_string(*seg));
        return Generic(Op::kDataDrop, {}, kAny, {*seg});
      }
      case 10: {  // memory.copy
        if (auto st = ZeroByte(); !st) return st;
        if (auto st = ZeroByte(); !st) return st;
        if (auto st = NeedMemory(); !st) return st;
        return Generic(Op::kMemoryCopy, {I32, I32, I32}, kAny, {});
      }
      case 11: {  // memory.fill
        if (auto st = ZeroByte(); !st) return st;
        if (auto st = NeedMemory(); !st) return st;
        return Generic(Op::kMemoryFill, {I32, I32, I32}, kAny, {});
      }
      case 12: {  // table.init
        auto seg = U32();
        if (!seg) return seg.take_error();
        auto t = TableIndex();
        if (!t) return t.take_error();
        if (*seg >= m_.elems.size()) return Invalid("unknown elem segment " + std::to_string(*seg));
        if (m_.elems[*seg].type != m_.tables[*t].elem) return Invalid("type mismatch: table.init");
        return Generic(Op::kTableInit, {I32, I32, I32}, kAny, {*t, *seg});
      }
      case 13: {  // elem.drop
        auto seg = U32();
        if (!seg) return seg.take_error();
        if (*seg >= m_.elems.size()) return Invalid("unknown elem segment " + std::to_string(*seg));
        return Generic(Op::kElemDrop, {}, kAny, {*seg});
      }
      case 14: {  // table.copy
        auto dst = TableIndex();
        if (!dst) return dst.take_error();
        auto src = TableIndex();
        if (!src) return src.take_error();
        if (m_.tables[*dst].elem != m_.tables[*src].elem) return Invalid("type mismatch: table.copy");
        return Generic(Op::kTableCopy, {I32, I32, I32}, kAny, {*dst, *src});
      }
      case 15: {  // table.grow
        auto t = TableIndex();
        if (!t) return t.take_error();
        return Generic(Op::kTableGrow, {m_.tables[*t].elem, I32}, I32, {*t});
      }
      case 16: {  // table.size
        auto t = TableIndex();
        if (!t) return t.take_error();
        return Generic(Op::kTableSize, {}, I32, {*t});
      }
      case 17: {  // table.fill
        auto t = TableIndex();
        if (!t) return t.take_error();
        return Generic(Op::kTableFill, {I32, m_.tables[*t].elem, I32}, kAny, {*t});
      }
    }
    return Invalid("illegal opcode 0xfc " + std::to_string(*sub));
  }

  const ModuleDesc& m_;
  const uint32_t index_;
  const int32_t* handlers_;
  const FuncType& type_;
  std::span<const uint8_t> body_;
  BinaryReader r_;

  std::vector<ValType> local_types_;
  std::vector<uint32_t> local_offsets_;
  uint32_t locals_bytes_ = 0;
  std::vector<Operand> stack_;
  uint32_t max_frame_ = 0;  // bytes of frame used so far
  std::vector<Ctrl> ctrl_;
  std::vector<uint32_t> code_;

  // The last instruction emitted, when it computed the top of the stack (for local.set retargeting).
  bool last_valid_ = false;
  uint32_t last_dst_at_ = 0;
  size_t last_pos_ = 0;
  // The last instruction emitted, when a branch may fold it: an integer comparison, an eqz or an and with a constant
  // (cmp_index_ says which).
  Foldable cmp_;
  int cmp_index_ = 0;
  bool cmp_is64_ = false, cmp_imm_ = false;
  Foldable add_;             // the last instruction emitted, when it is an I32AddImm a load may fold (b: its constant)
  bool copy_valid_ = false;  // the last instruction emitted is the Copy at copy_at_
  uint32_t copy_at_ = 0;
  static constexpr uint32_t kNoPair = UINT32_MAX;
  uint32_t add_pair_at_ = kNoPair;  // add_ is the second half of the I32AddImm2 there
  // The instructions emitted since the last Barrier (a jump or return target), for the peepholes (Previous).
  struct Emitted {
    uint32_t start;
    Op op;
  };
  std::vector<Emitted> emitted_;
  uint32_t barrier_ = 0;
};

}  // namespace

Result<FunctionCode> CompileFunction(const ModuleDesc& module, uint32_t index, const int32_t* handlers) {
  return Compiler(module, index, handlers).Run();
}

}  // namespace capsule::internal::interp
