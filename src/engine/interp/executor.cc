// The interpreter loop: direct-threaded dispatch (each instruction jumps to the next one's handler through
// computed goto), with the frame pointer, the program counter, the memory base and the instance in locals.
#include "engine/interp/executor.h"

#include <pthread.h>
#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "engine/interp/instance.h"
#include "engine/interp/linear_memory.h"
#include "engine/interp/simd.h"
#include "engine/interp/slots.h"
#include "engine/interp/trap_handler.h"

#define INTERP_LIKELY(x) __builtin_expect(!!(x), 1)
#define INTERP_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace capsule::internal::interp {
namespace {

constexpr size_t kValueStackBytes = 8u << 20;
constexpr size_t kMaxCallDepth = 60000;
constexpr size_t kNativeStackMargin = 256u << 10;  // left for host functions and signal handling

// The lowest native stack address the calling thread may reach before the interpreter refuses deeper calls.
uintptr_t NativeStackLimit() {
  thread_local uintptr_t limit = [] {
    pthread_attr_t attr;
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &addr, &size);
      pthread_attr_destroy(&attr);
    }
    return addr ? reinterpret_cast<uintptr_t>(addr) + kNativeStackMargin : uintptr_t{0};
  }();
  return limit;
}

template <class F>
F CanonicalNan() {
  return std::numeric_limits<F>::quiet_NaN();
}

template <class F>
F WasmMin(F a, F b) {
  if (a != a || b != b) return a + b;
  if (a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
template <class F>
F WasmMax(F a, F b) {
  if (a != a || b != b) return a + b;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
// Rounding that keeps NaNs quiet (libm may return a signaling NaN unchanged).
template <class F>
F WasmNearest(F a) {
  return a != a ? a + a : std::nearbyint(a);
}
template <class F>
F WasmCeil(F a) {
  return a != a ? a + a : std::ceil(a);
}
template <class F>
F WasmFloor(F a) {
  return a != a ? a + a : std::floor(a);
}
template <class F>
F WasmTrunc(F a) {
  return a != a ? a + a : std::trunc(a);
}
float Bits32(uint32_t b) {
  return std::bit_cast<float>(b);
}
double Bits64(uint64_t b) {
  return std::bit_cast<double>(b);
}
float Abs32(float a) {
  return Bits32(std::bit_cast<uint32_t>(a) & 0x7fffffffu);
}
double Abs64(double a) {
  return Bits64(std::bit_cast<uint64_t>(a) & 0x7fffffffffffffffull);
}
float Neg32(float a) {
  return Bits32(std::bit_cast<uint32_t>(a) ^ 0x80000000u);
}
double Neg64(double a) {
  return Bits64(std::bit_cast<uint64_t>(a) ^ 0x8000000000000000ull);
}
float Copysign32(float a, float b) {
  return Bits32((std::bit_cast<uint32_t>(a) & 0x7fffffffu) | (std::bit_cast<uint32_t>(b) & 0x80000000u));
}
double Copysign64(double a, double b) {
  return Bits64((std::bit_cast<uint64_t>(a) & 0x7fffffffffffffffull) |
                (std::bit_cast<uint64_t>(b) & 0x8000000000000000ull));
}

// Truncation of x towards zero into I, valid when lo < x < hi (exclusive bounds, exact in F).
template <class I, class F>
TrapCode Truncate(F x, F lo, F hi, I* out) {
  if (x != x) return TrapCode::kInvalidConversion;
  if (!(x > lo && x < hi)) return TrapCode::kIntegerOverflow;
  *out = static_cast<I>(x);
  return TrapCode::kOk;
}
template <class I, class F>
I TruncateSat(F x) {
  if (x != x) return 0;
  if (x <= static_cast<F>(std::numeric_limits<I>::min())) return std::numeric_limits<I>::min();
  if (x >= static_cast<F>(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  return static_cast<I>(x);
}

// Zeroes a callee's non-parameter locals: a few stores for the usual handful, memset past that.
inline void ZeroLocals(uint8_t* p, uint32_t bytes) {
  if (INTERP_LIKELY(bytes <= 64)) {
    for (uint32_t i = 0; i < bytes; i += 8) {
      Store<uint64_t>(p + i, 0);
      asm volatile("" ::: "memory");  // keeps GCC from turning the loop back into a call to memset
    }
    return;
  }
  std::memset(p, 0, bytes);
}

// ---- bulk memory and tables (out of the loop: they check bounds explicitly in both modes) ----

TrapCode MemoryFill(InstanceState* inst, uint32_t d, uint32_t v, uint32_t n) {
  if (uint64_t{d} + n > inst->memory->size()) return TrapCode::kMemoryOutOfBounds;
  std::memset(inst->mem_base + d, static_cast<int>(v & 0xff), n);
  return TrapCode::kOk;
}
TrapCode MemoryCopy(InstanceState* inst, uint32_t d, uint32_t s, uint32_t n) {
  const uint64_t size = inst->memory->size();
  if (uint64_t{d} + n > size || uint64_t{s} + n > size) return TrapCode::kMemoryOutOfBounds;
  std::memmove(inst->mem_base + d, inst->mem_base + s, n);
  return TrapCode::kOk;
}
TrapCode MemoryInit(InstanceState* inst, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  const DataSegment& data = inst->module->desc().datas[seg];
  const uint64_t seg_size = inst->data_dropped[seg] ? 0 : data.size;
  if (uint64_t{s} + n > seg_size || uint64_t{d} + n > inst->memory->size()) return TrapCode::kMemoryOutOfBounds;
  if (n) std::memcpy(inst->mem_base + d, inst->module->desc().bytes.data() + data.begin + s, n);
  return TrapCode::kOk;
}
TrapCode TableInit(InstanceState* inst, uint32_t t, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  TableInstance* table = inst->tables[t];
  const auto& elems = inst->elem_segments[seg];
  if (uint64_t{s} + n > elems.size() || uint64_t{d} + n > table->elems.size()) return TrapCode::kTableOutOfBounds;
  std::copy_n(elems.begin() + s, n, table->elems.begin() + d);
  return TrapCode::kOk;
}
TrapCode TableCopy(InstanceState* inst, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n) {
  TableInstance* dst = inst->tables[dt];
  TableInstance* src = inst->tables[st];
  if (uint64_t{s} + n > src->elems.size() || uint64_t{d} + n > dst->elems.size()) return TrapCode::kTableOutOfBounds;
  if (n) std::memmove(dst->elems.data() + d, src->elems.data() + s, n * sizeof(uint64_t));
  return TrapCode::kOk;
}
TrapCode TableFill(InstanceState* inst, uint32_t t, uint32_t i, uint64_t v, uint32_t n) {
  TableInstance* table = inst->tables[t];
  if (uint64_t{i} + n > table->elems.size()) return TrapCode::kTableOutOfBounds;
  std::fill_n(table->elems.begin() + i, n, v);
  return TrapCode::kOk;
}
int32_t TableGrow(InstanceState* inst, uint32_t t, uint64_t init, uint32_t n) {
  const std::optional<uint32_t> old = inst->tables[t]->Grow(n, init);
  return old ? static_cast<int32_t>(*old) : -1;
}

// Runs code from pc with frame fp in instance inst until the call record pushed by Invoke is popped. With
// handlers_out set, only publishes the handler offsets. Aligned to a cache line, so that where its handlers fall
// does not depend on the code linked before it (SHA-256 of 4 MiB took 192-197 ms instead of 177-190 ms in one
// layout, with the same instruction count).
template <bool kGuarded>
__attribute__((noinline, aligned(64))) TrapCode Run(Executor* executor, const uint32_t* pc, uint8_t* fp,
                                                    InstanceState* inst, const int32_t** handlers_out) {
  static const int32_t kOffsets[] = {
#define OP(name) static_cast<int32_t>(static_cast<const char*>(&&L_##name) - static_cast<const char*>(&&L_Unreachable)),
#include "engine/interp/ops.def"
#undef OP
  };
  if (INTERP_UNLIKELY(handlers_out != nullptr)) {
    *handlers_out = kOffsets;
    return TrapCode::kOk;
  }
  Executor& ex = *executor;
  const char* const base = static_cast<const char*>(&&L_Unreachable);
  uint8_t* mem = inst->mem_base;
  CallRecord* calls_top = ex.calls_top_;
  CallRecord* const calls_end = ex.calls_end_;
  uint8_t* const stack_end = ex.stack_end_;
  const std::atomic<uint32_t>* const stop = ex.stop_flag_;
  TrapCode trap = TrapCode::kOk;

  auto set_scope = [&] {
    if constexpr (kGuarded) {
      TrapScope& scope = CurrentTrapScope();
      scope.begin = inst->memory ? inst->memory->reservation_begin() : 0;
      scope.end = inst->memory ? inst->memory->reservation_end() : 0;
    }
  };
  set_scope();

#define DISPATCH() goto* static_cast<const void*>(base + static_cast<int32_t>(*pc))
#define NEXT(n) \
  do {          \
    pc += (n);  \
    DISPATCH(); \
  } while (0)
#define TRAP(code)  \
  do {              \
    trap = (code);  \
    goto L_trapped; \
  } while (0)
#define CHECK_STOP()                                                                                             \
  do {                                                                                                           \
    if (INTERP_UNLIKELY(stop->load(std::memory_order_relaxed)) && ex.ShouldStop()) TRAP(TrapCode::kInterrupted); \
  } while (0)
#define JUMP(k)                        \
  do {                                 \
    pc += static_cast<int32_t>(pc[k]); \
    CHECK_STOP();                      \
    DISPATCH();                        \
  } while (0)
#define SLOT(k) (fp + pc[k])
#define I32(k) Load<int32_t>(SLOT(k))
#define U32(k) Load<uint32_t>(SLOT(k))
#define I64(k) Load<int64_t>(SLOT(k))
#define U64(k) Load<uint64_t>(SLOT(k))
#define F32(k) Load<float>(SLOT(k))
#define F64(k) Load<double>(SLOT(k))
#define PUT(k, T, v) Store<T>(SLOT(k), static_cast<T>(v))
#define IMM32(k) static_cast<int32_t>(pc[k])
#define IMM64(k) static_cast<int64_t>(static_cast<int32_t>(pc[k]))
// The host address of an access of n bytes at guest address addr plus offset (nullptr when out of bounds, only with
// explicit checks), and the same for the address in slot operand a plus offset operand o.
#define EFFECTIVE(addr, offset, n) \
  (kGuarded ? (mem + uint64_t{addr} + (offset)) : CheckedAddress((addr), (offset), (n)))
#define ADDRESS(a, o, n) EFFECTIVE(U32(a), pc[o], n)
  auto CheckedAddress = [&](uint32_t addr, uint32_t offset, uint32_t n) -> uint8_t* {
    const uint64_t ea = uint64_t{addr} + offset;
    if (ea + n > inst->memory->size()) return nullptr;
    return mem + ea;
  };
#define LOAD(name, T, R, n)                                                   \
  L_##name : {                                                                \
    uint8_t* p = ADDRESS(2, 3, n);                                            \
    if (!kGuarded && INTERP_UNLIKELY(!p)) TRAP(TrapCode::kMemoryOutOfBounds); \
    PUT(1, R, Load<T>(p));                                                    \
    NEXT(4);                                                                  \
  }
// A load at (slot a + constant, wrapped to 32 bits) plus offset: [dst, a, imm, offset].
#define LOAD_ADD_IMM(name, T, R, n)                                           \
  L_##name : {                                                                \
    const uint32_t addr_ = U32(2) + pc[3];                                    \
    uint8_t* p = EFFECTIVE(addr_, pc[4], n);                                  \
    if (!kGuarded && INTERP_UNLIKELY(!p)) TRAP(TrapCode::kMemoryOutOfBounds); \
    PUT(1, R, Load<T>(p));                                                    \
    NEXT(5);                                                                  \
  }
#define STORE(name, T, n)                                                     \
  L_##name : {                                                                \
    uint8_t* p = ADDRESS(1, 3, n);                                            \
    if (!kGuarded && INTERP_UNLIKELY(!p)) TRAP(TrapCode::kMemoryOutOfBounds); \
    Store<T>(p, Load<T>(SLOT(2)));                                            \
    NEXT(4);                                                                  \
  }
// Binary operators with their constant-operand forms.
#define BIN(name, T, R, expr)                                \
  L_##name : {                                               \
    const T a = Load<T>(SLOT(2));                            \
    const T b = Load<T>(SLOT(3));                            \
    PUT(1, R, (expr));                                       \
    NEXT(4);                                                 \
  }                                                          \
  L_##name##Imm : {                                          \
    const T a = Load<T>(SLOT(2));                            \
    const T b = static_cast<T>(static_cast<int32_t>(pc[3])); \
    PUT(1, R, (expr));                                       \
    NEXT(4);                                                 \
  }
#define BIN_PLAIN(name, T, R, expr) \
  L_##name : {                      \
    const T a = Load<T>(SLOT(2));   \
    const T b = Load<T>(SLOT(3));   \
    PUT(1, R, (expr));              \
    NEXT(4);                        \
  }
#define UN(name, T, R, expr)      \
  L_##name : {                    \
    const T a = Load<T>(SLOT(2)); \
    PUT(1, R, (expr));            \
    NEXT(3);                      \
  }
#define TRUNC(name, I, F, lo, hi)                                                               \
  L_##name : {                                                                                  \
    I v;                                                                                        \
    if (TrapCode t = Truncate<I, F>(Load<F>(SLOT(2)), lo, hi, &v); t != TrapCode::kOk) TRAP(t); \
    PUT(1, I, v);                                                                               \
    NEXT(3);                                                                                    \
  }
#define BR_CMP(name, T, op)                                                       \
  L_BrIf##name : {                                                                \
    if (Load<T>(SLOT(1)) op Load<T>(SLOT(2))) JUMP(3);                            \
    NEXT(4);                                                                      \
  }                                                                               \
  L_BrIf##name##Imm : {                                                           \
    if (Load<T>(SLOT(1)) op static_cast<T>(static_cast<int32_t>(pc[2]))) JUMP(3); \
    NEXT(4);                                                                      \
  }
// Calls entity e with its frame at fp + frame_off, returning to next.
#define CALL_ENTITY(e, frame_off, next)                                                      \
  do {                                                                                       \
    const FuncEntity* callee_ = (e);                                                         \
    if (callee_->host) {                                                                     \
      ex.calls_top_ = calls_top;                                                             \
      if (TrapCode t = ex.CallHost(*callee_, fp + (frame_off)); t != TrapCode::kOk) TRAP(t); \
      pc = (next);                                                                           \
      CHECK_STOP();                                                                          \
      DISPATCH();                                                                            \
    }                                                                                        \
    InstanceState* target_ = callee_->instance;                                              \
    const FunctionCode* code_ = target_->module->Code(callee_->defined_index);               \
    if (INTERP_UNLIKELY(!code_)) TRAP(TrapCode::kInternal);                                  \
    uint8_t* nfp_ = fp + (frame_off);                                                        \
    if (INTERP_UNLIKELY(nfp_ + code_->frame_bytes > stack_end || calls_top == calls_end))    \
      TRAP(TrapCode::kCallStackExhausted);                                                   \
    *calls_top++ = CallRecord{(next), fp, inst};                                             \
    std::memset(nfp_ + code_->param_bytes, 0, code_->local_bytes);                           \
    fp = nfp_;                                                                               \
    pc = code_->code.data();                                                                 \
    if (target_ != inst) {                                                                   \
      inst->escaped = true; /* its references may reach the other instance */                \
      inst = target_;                                                                        \
      mem = inst->mem_base;                                                                  \
      set_scope();                                                                           \
    }                                                                                        \
    CHECK_STOP();                                                                            \
    DISPATCH();                                                                              \
  } while (0)

  DISPATCH();

  // ---- control ----
L_Unreachable:
  TRAP(TrapCode::kUnreachable);
L_Br:
  JUMP(1);
L_BrIf:
  if (I32(1) != 0) JUMP(2);
  NEXT(3);
L_BrUnless:
  if (I32(1) == 0) JUMP(2);
  NEXT(3);
L_BrTable : {
  const uint32_t n = pc[2];
  const uint32_t i = std::min(U32(1), n);
  pc += static_cast<int32_t>(pc[3 + i]);
  CHECK_STOP();
  DISPATCH();
}
L_Return1:
  Store<uint64_t>(fp, U64(1));
  goto L_Return;
L_Return : {
  --calls_top;
  pc = calls_top->pc;
  fp = calls_top->fp;
  if (INTERP_UNLIKELY(pc == nullptr)) {
    ex.calls_top_ = calls_top;
    return TrapCode::kOk;
  }
  if (INTERP_UNLIKELY(calls_top->inst != inst)) {
    inst = calls_top->inst;
    mem = inst->mem_base;
    set_scope();
  }
  DISPATCH();
}
L_Call : {
  const FunctionCode* code = inst->codes[pc[1]].load(std::memory_order_acquire);
  if (INTERP_UNLIKELY(!code) && !(code = inst->module->Code(pc[1]))) TRAP(TrapCode::kInternal);
  uint8_t* nfp = fp + pc[2];
  if (INTERP_UNLIKELY(nfp + code->frame_bytes > stack_end || calls_top == calls_end))
    TRAP(TrapCode::kCallStackExhausted);
  *calls_top++ = CallRecord{pc + 3, fp, inst};
  ZeroLocals(nfp + code->param_bytes, code->local_bytes);
  fp = nfp;
  pc = code->code.data();
  CHECK_STOP();
  DISPATCH();
}
L_CallImport:
  CALL_ENTITY(inst->funcs[pc[1]], pc[2], pc + 3);
L_CallIndirect : {
  const TableInstance* table = inst->tables[pc[2]];
  const uint32_t i = U32(3);
  if (INTERP_UNLIKELY(i >= table->elems.size())) TRAP(TrapCode::kUndefinedElement);
  const auto* e = reinterpret_cast<const FuncEntity*>(static_cast<uintptr_t>(table->elems[i]));
  if (INTERP_UNLIKELY(!e)) TRAP(TrapCode::kUninitializedElement);
  if (INTERP_UNLIKELY(e->type_id != pc[1])) TRAP(TrapCode::kIndirectCallTypeMismatch);
  CALL_ENTITY(e, pc[4], pc + 5);
}

  // ---- compare and branch ----
  BR_CMP(I32Eq, int32_t, ==)
  BR_CMP(I32Ne, int32_t, !=)
  BR_CMP(I32LtS, int32_t, <)
  BR_CMP(I32LtU, uint32_t, <)
  BR_CMP(I32GtS, int32_t, >)
  BR_CMP(I32GtU, uint32_t, >)
  BR_CMP(I32LeS, int32_t, <=)
  BR_CMP(I32LeU, uint32_t, <=)
  BR_CMP(I32GeS, int32_t, >=)
  BR_CMP(I32GeU, uint32_t, >=)
  BR_CMP(I64Eq, int64_t, ==)
  BR_CMP(I64Ne, int64_t, !=)
  BR_CMP(I64LtS, int64_t, <)
  BR_CMP(I64LtU, uint64_t, <)
  BR_CMP(I64GtS, int64_t, >)
  BR_CMP(I64GtU, uint64_t, >)
  BR_CMP(I64LeS, int64_t, <=)
  BR_CMP(I64LeU, uint64_t, <=)
  BR_CMP(I64GeS, int64_t, >=)
  BR_CMP(I64GeU, uint64_t, >=)
L_BrIfI64Eqz:
  if (I64(1) == 0) JUMP(2);
  NEXT(3);
L_BrIfI32AndImm:
  if ((U32(1) & pc[2]) != 0) JUMP(3);
  NEXT(4);
L_BrUnlessI32AndImm:
  if ((U32(1) & pc[2]) == 0) JUMP(3);
  NEXT(4);
L_BrIfI64Nez:
  if (I64(1) != 0) JUMP(2);
  NEXT(3);

  // ---- moves ----
L_Copy:
  Store<uint64_t>(SLOT(1), U64(2));
  NEXT(3);
L_Copy2:
  Store<uint64_t>(SLOT(1), U64(2));
  Store<uint64_t>(SLOT(3), U64(4));
  NEXT(5);
L_Const32:
  Store<uint64_t>(SLOT(1), pc[2]);
  NEXT(3);
L_Const64:
  Store<uint64_t>(SLOT(1), uint64_t{pc[2]} | (uint64_t{pc[3]} << 32));
  NEXT(4);
L_Select:
  Store<uint64_t>(SLOT(1), I32(4) ? U64(2) : U64(3));
  NEXT(5);
L_SelectImmA:
  Store<uint64_t>(SLOT(1), I32(4) ? uint64_t{pc[2]} : U64(3));
  NEXT(5);
L_SelectImmB:
  Store<uint64_t>(SLOT(1), I32(4) ? U64(2) : uint64_t{pc[3]});
  NEXT(5);
L_Const32Br:
  Store<uint64_t>(SLOT(1), pc[2]);
  JUMP(3);
L_I32RSubImm:
  PUT(1, uint32_t, pc[3] - U32(2));
  NEXT(4);
L_GlobalGet:
  Store<uint64_t>(SLOT(1), inst->globals[pc[2]]->bits);
  NEXT(3);
L_GlobalSet:
  inst->globals[pc[1]]->bits = U64(2);
  NEXT(3);
L_Simd:
  FindSimdOp(pc[1])->fn(SLOT(2), SLOT(3), SLOT(4), SLOT(5), pc[6]);
  NEXT(7);
L_SimdLoad : {
  uint8_t* p = ADDRESS(3, 4, pc[7]);
  if (!kGuarded && INTERP_UNLIKELY(!p)) TRAP(TrapCode::kMemoryOutOfBounds);
  FindSimdOp(pc[1])->fn(SLOT(2), p, SLOT(5), nullptr, pc[6]);
  NEXT(8);
}
L_SimdStore : {
  uint8_t* p = ADDRESS(2, 4, pc[6]);
  if (!kGuarded && INTERP_UNLIKELY(!p)) TRAP(TrapCode::kMemoryOutOfBounds);
  FindSimdOp(pc[1])->fn(p, SLOT(3), nullptr, nullptr, pc[5]);
  NEXT(7);
}
L_Shuffle : {
  uint8_t in[32], out[16];
  std::memcpy(in, SLOT(2), 16);
  std::memcpy(in + 16, SLOT(3), 16);
  const auto* lanes = reinterpret_cast<const uint8_t*>(pc + 4);
  for (int i = 0; i < 16; ++i) out[i] = in[lanes[i]];
  std::memcpy(SLOT(1), out, 16);
  NEXT(8);
}
L_Copy128:
  Store<V128Bits>(SLOT(1), Load<V128Bits>(SLOT(2)));
  NEXT(3);
L_Const128:
  Store<V128Bits>(SLOT(1), Load<V128Bits>(pc + 2));
  NEXT(6);
L_Select128:
  Store<V128Bits>(SLOT(1), Load<V128Bits>(I32(4) ? SLOT(2) : SLOT(3)));
  NEXT(5);
L_GlobalGet128:
  Store<V128Bits>(SLOT(1), Load<V128Bits>(inst->globals[pc[2]]->bytes()));
  NEXT(3);
L_GlobalSet128:
  Store<V128Bits>(inst->globals[pc[1]]->bytes(), Load<V128Bits>(SLOT(2)));
  NEXT(3);

  // ---- memory ----
  LOAD(I32Load, uint32_t, uint32_t, 4)
  LOAD(I64Load, uint64_t, uint64_t, 8)
  LOAD(I32Load8S, int8_t, int32_t, 1)
  LOAD(I32Load8U, uint8_t, uint32_t, 1)
  LOAD_ADD_IMM(I32LoadAddImm, uint32_t, uint32_t, 4)
  LOAD_ADD_IMM(I32Load8UAddImm, uint8_t, uint32_t, 1)
  LOAD(I32Load16S, int16_t, int32_t, 2)
  LOAD(I32Load16U, uint16_t, uint32_t, 2)
  LOAD(I64Load8S, int8_t, int64_t, 1)
  LOAD(I64Load8U, uint8_t, uint64_t, 1)
  LOAD(I64Load16S, int16_t, int64_t, 2)
  LOAD(I64Load16U, uint16_t, uint64_t, 2)
  LOAD(I64Load32S, int32_t, int64_t, 4)
  LOAD(I64Load32U, uint32_t, uint64_t, 4)
  STORE(I32Store, uint32_t, 4)
  STORE(I64Store, uint64_t, 8)
  STORE(I32Store8, uint8_t, 1)
  STORE(I32Store16, uint16_t, 2)
  STORE(I64Store32, uint32_t, 4)
// A constant address plus offset (below 2^32): [dst, address].
#define LOAD_ABS(name, T, n)                                                  \
  L_##name : {                                                                \
    uint8_t* p = EFFECTIVE(pc[2], 0u, n);                                     \
    if (!kGuarded && INTERP_UNLIKELY(!p)) TRAP(TrapCode::kMemoryOutOfBounds); \
    PUT(1, T, Load<T>(p));                                                    \
    NEXT(3);                                                                  \
  }
  LOAD_ABS(I32LoadAbs, uint32_t, 4)
  LOAD_ABS(I64LoadAbs, uint64_t, 8)
// A store of a constant: [addr, imm, offset], imm sign-extended to T.
#define STORE_IMM(name, T, n)                                                 \
  L_##name : {                                                                \
    uint8_t* p = ADDRESS(1, 3, n);                                            \
    if (!kGuarded && INTERP_UNLIKELY(!p)) TRAP(TrapCode::kMemoryOutOfBounds); \
    Store<T>(p, static_cast<T>(static_cast<int32_t>(pc[2])));                 \
    NEXT(4);                                                                  \
  }
  STORE_IMM(I32StoreImm, uint32_t, 4)
  STORE_IMM(I64StoreImm, uint64_t, 8)
  STORE_IMM(I32Store8Imm, uint8_t, 1)
// An I32AddImm whose result is the address of the load that follows: [d1, a, imm, d2, offset].
#define ADD_IMM_LOAD(name, T, n)                                              \
  L_##name : {                                                                \
    const uint32_t addr_ = U32(2) + pc[3];                                    \
    PUT(1, uint32_t, addr_);                                                  \
    uint8_t* p = EFFECTIVE(addr_, pc[5], n);                                  \
    if (!kGuarded && INTERP_UNLIKELY(!p)) TRAP(TrapCode::kMemoryOutOfBounds); \
    PUT(4, uint32_t, Load<T>(p));                                             \
    NEXT(6);                                                                  \
  }
  ADD_IMM_LOAD(I32AddImmLoad, uint32_t, 4)
  ADD_IMM_LOAD(I32AddImmLoad8U, uint8_t, 1)
#undef LOAD_ABS
#undef STORE_IMM
#undef ADD_IMM_LOAD
L_I32AddImm2:
  PUT(1, uint32_t, U32(2) + pc[3]);
  PUT(4, uint32_t, U32(5) + pc[6]);
  NEXT(7);
// A byte load into dst, then a branch on dst compared with a constant: [dst, addr, offset, imm, branch offset].
#define BR_LOAD8U(name, op)                                                   \
  L_##name : {                                                                \
    uint8_t* p = ADDRESS(2, 3, 1);                                            \
    if (!kGuarded && INTERP_UNLIKELY(!p)) TRAP(TrapCode::kMemoryOutOfBounds); \
    const uint32_t v = *p;                                                    \
    PUT(1, uint32_t, v);                                                      \
    if (v op pc[4]) JUMP(5);                                                  \
    NEXT(6);                                                                  \
  }
  BR_LOAD8U(BrIfLoad8UEqImm, ==)
  BR_LOAD8U(BrIfLoad8UNeImm, !=)
#undef BR_LOAD8U
L_I32AndImmBrIf : {
  const uint32_t v = U32(2) & pc[3];
  PUT(1, uint32_t, v);
  if (v != 0) JUMP(4);
  NEXT(5);
}
L_I32AndImmBrUnless : {
  const uint32_t v = U32(2) & pc[3];
  PUT(1, uint32_t, v);
  if (v == 0) JUMP(4);
  NEXT(5);
}
L_MemorySize:
  PUT(1, uint32_t, inst->memory->pages());
  NEXT(2);
L_MemoryGrow:
  PUT(1, int32_t, inst->memory->Grow(U32(2)));
  NEXT(3);
L_MemoryFill:
  if (TrapCode t = MemoryFill(inst, U32(1), U32(2), U32(3)); t != TrapCode::kOk) TRAP(t);
  NEXT(4);
L_MemoryCopy:
  if (TrapCode t = MemoryCopy(inst, U32(1), U32(2), U32(3)); t != TrapCode::kOk) TRAP(t);
  NEXT(4);
L_MemoryInit:
  if (TrapCode t = MemoryInit(inst, pc[1], U32(2), U32(3), U32(4)); t != TrapCode::kOk) TRAP(t);
  NEXT(5);
L_DataDrop:
  inst->data_dropped[pc[1]] = true;
  NEXT(2);

  // ---- tables ----
L_TableGet : {
  const TableInstance* table = inst->tables[pc[2]];
  const uint32_t i = U32(3);
  if (INTERP_UNLIKELY(i >= table->elems.size())) TRAP(TrapCode::kTableOutOfBounds);
  Store<uint64_t>(SLOT(1), table->elems[i]);
  NEXT(4);
}
L_TableSet : {
  TableInstance* table = inst->tables[pc[1]];
  const uint32_t i = U32(2);
  if (INTERP_UNLIKELY(i >= table->elems.size())) TRAP(TrapCode::kTableOutOfBounds);
  table->elems[i] = U64(3);
  NEXT(4);
}
L_TableSize:
  PUT(1, uint32_t, inst->tables[pc[2]]->elems.size());
  NEXT(3);
L_TableGrow:
  PUT(1, int32_t, TableGrow(inst, pc[2], U64(3), U32(4)));
  NEXT(5);
L_TableFill:
  if (TrapCode t = TableFill(inst, pc[1], U32(2), U64(3), U32(4)); t != TrapCode::kOk) TRAP(t);
  NEXT(5);
L_TableCopy:
  if (TrapCode t = TableCopy(inst, pc[1], pc[2], U32(3), U32(4), U32(5)); t != TrapCode::kOk) TRAP(t);
  NEXT(6);
L_TableInit:
  if (TrapCode t = TableInit(inst, pc[1], pc[2], U32(3), U32(4), U32(5)); t != TrapCode::kOk) TRAP(t);
  NEXT(6);
L_ElemDrop:
  inst->elem_segments[pc[1]].clear();
  inst->elem_segments[pc[1]].shrink_to_fit();
  NEXT(2);
L_RefFunc:
  Store<uint64_t>(SLOT(1), reinterpret_cast<uintptr_t>(inst->funcs[pc[2]]));
  NEXT(3);

  // ---- i32 ----
  BIN(I32Add, uint32_t, uint32_t, a + b)
  BIN(I32Sub, uint32_t, uint32_t, a - b)
  BIN(I32Mul, uint32_t, uint32_t, a * b)
  BIN(I32And, uint32_t, uint32_t, a & b)
  BIN(I32Or, uint32_t, uint32_t, a | b)
  BIN(I32Xor, uint32_t, uint32_t, a ^ b)
  BIN(I32Shl, uint32_t, uint32_t, a << (b & 31))
  BIN(I32ShrS, int32_t, int32_t, a >> (b & 31))
  BIN(I32ShrU, uint32_t, uint32_t, a >> (b & 31))
  BIN(I32Rotl, uint32_t, uint32_t, std::rotl(a, static_cast<int>(b & 31)))
  BIN(I32Rotr, uint32_t, uint32_t, std::rotr(a, static_cast<int>(b & 31)))
  BIN(I32Eq, uint32_t, uint32_t, a == b)
  BIN(I32Ne, uint32_t, uint32_t, a != b)
  BIN(I32LtS, int32_t, uint32_t, a < b)
  BIN(I32LtU, uint32_t, uint32_t, a < b)
  BIN(I32GtS, int32_t, uint32_t, a > b)
  BIN(I32GtU, uint32_t, uint32_t, a > b)
  BIN(I32LeS, int32_t, uint32_t, a <= b)
  BIN(I32LeU, uint32_t, uint32_t, a <= b)
  BIN(I32GeS, int32_t, uint32_t, a >= b)
  BIN(I32GeU, uint32_t, uint32_t, a >= b)
L_I32DivS : {
  const int32_t a = I32(2), b = I32(3);
  if (INTERP_UNLIKELY(b == 0)) TRAP(TrapCode::kDivideByZero);
  if (INTERP_UNLIKELY(a == INT32_MIN && b == -1)) TRAP(TrapCode::kIntegerOverflow);
  PUT(1, int32_t, a / b);
  NEXT(4);
}
L_I32DivU : {
  const uint32_t a = U32(2), b = U32(3);
  if (INTERP_UNLIKELY(b == 0)) TRAP(TrapCode::kDivideByZero);
  PUT(1, uint32_t, a / b);
  NEXT(4);
}
L_I32RemS : {
  const int32_t a = I32(2), b = I32(3);
  if (INTERP_UNLIKELY(b == 0)) TRAP(TrapCode::kDivideByZero);
  PUT(1, int32_t, b == -1 ? 0 : a % b);
  NEXT(4);
}
L_I32RemU : {
  const uint32_t a = U32(2), b = U32(3);
  if (INTERP_UNLIKELY(b == 0)) TRAP(TrapCode::kDivideByZero);
  PUT(1, uint32_t, a % b);
  NEXT(4);
}
  UN(I32Eqz, uint32_t, uint32_t, a == 0)
  UN(I32Clz, uint32_t, uint32_t, std::countl_zero(a))
  UN(I32Ctz, uint32_t, uint32_t, std::countr_zero(a))
  UN(I32Popcnt, uint32_t, uint32_t, std::popcount(a))
  UN(I32Extend8S, uint32_t, int32_t, static_cast<int8_t>(a))
  UN(I32Extend16S, uint32_t, int32_t, static_cast<int16_t>(a))

  // ---- i64 ----
  BIN(I64Add, uint64_t, uint64_t, a + b)
  BIN(I64Sub, uint64_t, uint64_t, a - b)
  BIN(I64Mul, uint64_t, uint64_t, a * b)
  BIN(I64And, uint64_t, uint64_t, a & b)
  BIN(I64Or, uint64_t, uint64_t, a | b)
  BIN(I64Xor, uint64_t, uint64_t, a ^ b)
  BIN(I64Shl, uint64_t, uint64_t, a << (b & 63))
  BIN(I64ShrS, int64_t, int64_t, a >> (b & 63))
  BIN(I64ShrU, uint64_t, uint64_t, a >> (b & 63))
  BIN(I64Rotl, uint64_t, uint64_t, std::rotl(a, static_cast<int>(b & 63)))
  BIN(I64Rotr, uint64_t, uint64_t, std::rotr(a, static_cast<int>(b & 63)))
  BIN(I64Eq, uint64_t, uint32_t, a == b)
  BIN(I64Ne, uint64_t, uint32_t, a != b)
  BIN(I64LtS, int64_t, uint32_t, a < b)
  BIN(I64LtU, uint64_t, uint32_t, a < b)
  BIN(I64GtS, int64_t, uint32_t, a > b)
  BIN(I64GtU, uint64_t, uint32_t, a > b)
  BIN(I64LeS, int64_t, uint32_t, a <= b)
  BIN(I64LeU, uint64_t, uint32_t, a <= b)
  BIN(I64GeS, int64_t, uint32_t, a >= b)
  BIN(I64GeU, uint64_t, uint32_t, a >= b)
L_I64DivS : {
  const int64_t a = I64(2), b = I64(3);
  if (INTERP_UNLIKELY(b == 0)) TRAP(TrapCode::kDivideByZero);
  if (INTERP_UNLIKELY(a == INT64_MIN && b == -1)) TRAP(TrapCode::kIntegerOverflow);
  PUT(1, int64_t, a / b);
  NEXT(4);
}
L_I64DivU : {
  const uint64_t a = U64(2), b = U64(3);
  if (INTERP_UNLIKELY(b == 0)) TRAP(TrapCode::kDivideByZero);
  PUT(1, uint64_t, a / b);
  NEXT(4);
}
L_I64RemS : {
  const int64_t a = I64(2), b = I64(3);
  if (INTERP_UNLIKELY(b == 0)) TRAP(TrapCode::kDivideByZero);
  PUT(1, int64_t, b == -1 ? 0 : a % b);
  NEXT(4);
}
L_I64RemU : {
  const uint64_t a = U64(2), b = U64(3);
  if (INTERP_UNLIKELY(b == 0)) TRAP(TrapCode::kDivideByZero);
  PUT(1, uint64_t, a % b);
  NEXT(4);
}
  UN(I64Eqz, uint64_t, uint32_t, a == 0)
  UN(I64Clz, uint64_t, uint64_t, std::countl_zero(a))
  UN(I64Ctz, uint64_t, uint64_t, std::countr_zero(a))
  UN(I64Popcnt, uint64_t, uint64_t, std::popcount(a))
  UN(I64Extend8S, uint64_t, int64_t, static_cast<int8_t>(a))
  UN(I64Extend16S, uint64_t, int64_t, static_cast<int16_t>(a))
  UN(I64Extend32S, uint64_t, int64_t, static_cast<int32_t>(a))

  // ---- f32 / f64 ----
  BIN_PLAIN(F32Add, float, float, a + b)
  BIN_PLAIN(F32Sub, float, float, a - b)
  BIN_PLAIN(F32Mul, float, float, a* b)
  BIN_PLAIN(F32Div, float, float, a / b)
  BIN_PLAIN(F32Min, float, float, WasmMin(a, b))
  BIN_PLAIN(F32Max, float, float, WasmMax(a, b))
  BIN_PLAIN(F32Copysign, float, float, Copysign32(a, b))
  BIN_PLAIN(F32Eq, float, uint32_t, a == b)
  BIN_PLAIN(F32Ne, float, uint32_t, a != b)
  BIN_PLAIN(F32Lt, float, uint32_t, a < b)
  BIN_PLAIN(F32Gt, float, uint32_t, a > b)
  BIN_PLAIN(F32Le, float, uint32_t, a <= b)
  BIN_PLAIN(F32Ge, float, uint32_t, a >= b)
  UN(F32Abs, float, float, Abs32(a))
  UN(F32Neg, float, float, Neg32(a))
  UN(F32Ceil, float, float, WasmCeil(a))
  UN(F32Floor, float, float, WasmFloor(a))
  UN(F32Trunc, float, float, WasmTrunc(a))
  UN(F32Nearest, float, float, WasmNearest(a))
  UN(F32Sqrt, float, float, std::sqrt(a))
  BIN_PLAIN(F64Add, double, double, a + b)
  BIN_PLAIN(F64Sub, double, double, a - b)
  BIN_PLAIN(F64Mul, double, double, a* b)
  BIN_PLAIN(F64Div, double, double, a / b)
  BIN_PLAIN(F64Min, double, double, WasmMin(a, b))
  BIN_PLAIN(F64Max, double, double, WasmMax(a, b))
  BIN_PLAIN(F64Copysign, double, double, Copysign64(a, b))
  BIN_PLAIN(F64Eq, double, uint32_t, a == b)
  BIN_PLAIN(F64Ne, double, uint32_t, a != b)
  BIN_PLAIN(F64Lt, double, uint32_t, a < b)
  BIN_PLAIN(F64Gt, double, uint32_t, a > b)
  BIN_PLAIN(F64Le, double, uint32_t, a <= b)
  BIN_PLAIN(F64Ge, double, uint32_t, a >= b)
  UN(F64Abs, double, double, Abs64(a))
  UN(F64Neg, double, double, Neg64(a))
  UN(F64Ceil, double, double, WasmCeil(a))
  UN(F64Floor, double, double, WasmFloor(a))
  UN(F64Trunc, double, double, WasmTrunc(a))
  UN(F64Nearest, double, double, WasmNearest(a))
  UN(F64Sqrt, double, double, std::sqrt(a))

  // ---- conversions ----
  UN(I32WrapI64, uint64_t, uint32_t, a)
  TRUNC(I32TruncF32S, int32_t, float, -2147483904.0f, 2147483648.0f)
  TRUNC(I32TruncF32U, uint32_t, float, -1.0f, 4294967296.0f)
  TRUNC(I32TruncF64S, int32_t, double, -2147483649.0, 2147483648.0)
  TRUNC(I32TruncF64U, uint32_t, double, -1.0, 4294967296.0)
  UN(I64ExtendI32S, int32_t, int64_t, a)
  UN(I64ExtendI32U, uint32_t, uint64_t, a)
  TRUNC(I64TruncF32S, int64_t, float, -9223373136366403584.0f, 9223372036854775808.0f)
  TRUNC(I64TruncF32U, uint64_t, float, -1.0f, 18446744073709551616.0f)
  TRUNC(I64TruncF64S, int64_t, double, -9223372036854777856.0, 9223372036854775808.0)
  TRUNC(I64TruncF64U, uint64_t, double, -1.0, 18446744073709551616.0)
  UN(F32ConvertI32S, int32_t, float, static_cast<float>(a))
  UN(F32ConvertI32U, uint32_t, float, static_cast<float>(a))
  UN(F32ConvertI64S, int64_t, float, static_cast<float>(a))
  UN(F32ConvertI64U, uint64_t, float, static_cast<float>(a))
  UN(F32DemoteF64, double, float, static_cast<float>(a))
  UN(F64ConvertI32S, int32_t, double, static_cast<double>(a))
  UN(F64ConvertI32U, uint32_t, double, static_cast<double>(a))
  UN(F64ConvertI64S, int64_t, double, static_cast<double>(a))
  UN(F64ConvertI64U, uint64_t, double, static_cast<double>(a))
  UN(F64PromoteF32, float, double, static_cast<double>(a))
  UN(I32TruncSatF32S, float, int32_t, TruncateSat<int32_t>(a))
  UN(I32TruncSatF32U, float, uint32_t, TruncateSat<uint32_t>(a))
  UN(I32TruncSatF64S, double, int32_t, TruncateSat<int32_t>(a))
  UN(I32TruncSatF64U, double, uint32_t, TruncateSat<uint32_t>(a))
  UN(I64TruncSatF32S, float, int64_t, TruncateSat<int64_t>(a))
  UN(I64TruncSatF32U, float, uint64_t, TruncateSat<uint64_t>(a))
  UN(I64TruncSatF64S, double, int64_t, TruncateSat<int64_t>(a))
  UN(I64TruncSatF64U, double, uint64_t, TruncateSat<uint64_t>(a))

L_trapped:
  ex.calls_top_ = calls_top;
  return trap;

#undef DISPATCH
#undef NEXT
#undef TRAP
#undef CHECK_STOP
#undef JUMP
#undef SLOT
#undef I32
#undef U32
#undef I64
#undef U64
#undef F32
#undef F64
#undef PUT
#undef IMM32
#undef IMM64
#undef ADDRESS
#undef EFFECTIVE
#undef LOAD
#undef STORE
#undef BIN
#undef BIN_PLAIN
#undef UN
#undef TRUNC
#undef BR_CMP
#undef CALL_ENTITY
}

// Why result i of a host function, which should be of type want, cannot be stored.
[[gnu::noinline]] Error BadResult(const Value& result, ValType want, size_t i) {
  if (result.type != want)
    return Fail(ErrorCode::kInternal,
                "result " + std::to_string(i) + " is a " + ValTypeName(result.type) + ", not a " + ValTypeName(want));
  return Fail(ErrorCode::kInvalidArgument, "result " + std::to_string(i) + " is a function of another context");
}

constexpr size_t kInlineValues = 16;

}  // namespace

const int32_t* HandlerOffsets(bool guarded) {
  static const int32_t* tables[2] = {nullptr, nullptr};
  static std::once_flag once;
  std::call_once(once, [] {
    Run<false>(nullptr, nullptr, nullptr, nullptr, &tables[0]);
    Run<true>(nullptr, nullptr, nullptr, nullptr, &tables[1]);
  });
  return tables[guarded ? 1 : 0];
}

Result<std::unique_ptr<Executor>> Executor::Create(bool guarded) {
  std::unique_ptr<Executor> ex(new Executor(guarded));
  const size_t calls_bytes = kMaxCallDepth * sizeof(CallRecord);
  void* stack =
      mmap(nullptr, kValueStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (stack == MAP_FAILED) return Fail(ErrorCode::kResourceLimit, "cannot allocate the interpreter's stack");
  void* calls = mmap(nullptr, calls_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (calls == MAP_FAILED) {
    munmap(stack, kValueStackBytes);
    return Fail(ErrorCode::kResourceLimit, "cannot allocate the interpreter's call stack");
  }
  ex->stack_begin_ = ex->stack_top_ = static_cast<uint8_t*>(stack);
  ex->stack_end_ = ex->stack_begin_ + kValueStackBytes;
  ex->calls_begin_ = ex->calls_top_ = static_cast<CallRecord*>(calls);
  ex->calls_end_ = ex->calls_begin_ + kMaxCallDepth;
  return ex;
}

Executor::~Executor() {
  munmap(stack_begin_, kValueStackBytes);
  munmap(calls_begin_, kMaxCallDepth * sizeof(CallRecord));
}

Error Executor::TakeHostError() {
  Error e = host_error_ ? std::move(*host_error_) : Fail(ErrorCode::kInternal, "host function failed");
  host_error_.reset();
  return e;
}

TrapCode Executor::CallHost(const FuncEntity& f, uint8_t* slots) {
  InterpInstance* owner = f.instance->owner;
  if (INTERP_UNLIKELY(!owner)) {
    // Not even f.host may be read now: the instance's linker, which owns it, may be gone too.
    host_error_ =
        Fail(ErrorCode::kTrap, "a host function was called after the instance that imported it was destroyed");
    return TrapCode::kHostError;
  }
  const FuncType& t = *f.func_type;
  const size_t np = t.params.size(), nr = t.results.size();
  Value inline_args[kInlineValues], inline_results[kInlineValues];
  std::vector<Value> heap_args, heap_results;
  Value* args = inline_args;
  Value* results = inline_results;
  if (np > kInlineValues) args = (heap_args.resize(np), heap_args.data());
  if (nr > kInlineValues) results = (heap_results.resize(nr), heap_results.data());
  for (size_t i = 0, at = 0; i < np; at += SlotSize(t.params[i]), ++i) args[i] = FromSlot(t.params[i], slots + at);
  for (size_t i = 0; i < nr; ++i) {  // Value::Default, in the fewest stores
    results[i].type = t.results[i];
    results[i].of.i64 = 0;
    if (t.results[i] == ValType::kV128) results[i].of.v128 = V128{};
  }

  // The memory's view needs no refresh here: LinearMemory::Grow invalidates it.
  Caller caller(*owner, owner->memory_view(), owner->data());
  // Host code is not guest code: a fault there is not a trap. Re-entrant calls start above the arguments.
  TrapScope& scope = CurrentTrapScope();
  const TrapScope saved_scope = scope;
  scope.jump = nullptr;
  uint8_t* const saved_top = stack_top_;
  stack_top_ = slots + std::max(FrameBytes(t.params), FrameBytes(t.results));
  Status status = f.host->fn(caller, std::span<const Value>(args, np), std::span<Value>(results, nr));
  stack_top_ = saved_top;
  scope = saved_scope;
  if (!status.ok()) return HostFailed(f, status.take_error());
  for (size_t i = 0, at = 0; i < nr; at += SlotSize(t.results[i]), ++i) {
    if (INTERP_UNLIKELY(results[i].type != t.results[i] || !Storable(results[i], f.instance->life)))
      return HostFailed(f, BadResult(results[i], t.results[i], i));
    ToSlot(results[i], slots + at);
  }
  return TrapCode::kOk;
}

TrapCode Executor::HostFailed(const FuncEntity& f, Error error) {
  if (error.code != ErrorCode::kExit && error.code != ErrorCode::kInterrupted &&
      error.message.find(f.host->name) == std::string::npos)
    error.message = f.host->name + ": " + error.message;
  host_error_ = std::move(error);
  return TrapCode::kHostError;
}

TrapCode Executor::Invoke(const FuncEntity& f, std::span<const Value> args, std::span<Value> results,
                          StopSignal* stop) {
  if (reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < NativeStackLimit())
    return TrapCode::kCallStackExhausted;
  const FuncType& t = *f.func_type;
  uint8_t* const fp = stack_top_;
  const size_t np = t.params.size(), nr = t.results.size();
  if (fp + std::max(FrameBytes(t.params), FrameBytes(t.results)) > stack_end_) return TrapCode::kCallStackExhausted;
  for (size_t i = 0, at = 0; i < np; at += SlotSize(t.params[i]), ++i) ToSlot(args[i], fp + at);

  StopSignal* const saved_stop = stop_;
  const std::atomic<uint32_t>* const saved_flag = stop_flag_;
  if (stop) {
    stop_ = stop;
    stop_flag_ = stop->flag();
  }
  ++depth_;
  TrapCode result = TrapCode::kOk;
  if (f.host) {
    result = CallHost(f, fp);
  } else {
    const FunctionCode* code = f.instance->module->Code(f.defined_index);
    if (!code) {
      result = TrapCode::kInternal;
    } else if (fp + code->frame_bytes > stack_end_ || calls_top_ == calls_end_) {
      result = TrapCode::kCallStackExhausted;
    } else {
      ZeroLocals(fp + code->param_bytes, code->local_bytes);
      CallRecord* const saved_calls = calls_top_;
      *calls_top_++ = CallRecord{nullptr, fp, f.instance};
      if (guarded_) {
        TrapScope& scope = CurrentTrapScope();
        const TrapScope saved_scope = scope;
        sigjmp_buf jump;
        if (sigsetjmp(jump, 0) == 0) {
          scope.jump = &jump;
          result = Run<true>(this, code->code.data(), fp, f.instance, nullptr);
        } else {
          result = TrapCode::kMemoryOutOfBounds;
        }
        scope = saved_scope;
      } else {
        result = Run<false>(this, code->code.data(), fp, f.instance, nullptr);
      }
      calls_top_ = saved_calls;
    }
  }
  --depth_;
  stop_ = saved_stop;
  stop_flag_ = saved_flag;
  if (result == TrapCode::kOk)
    for (size_t i = 0, at = 0; i < nr; at += SlotSize(t.results[i]), ++i) results[i] = FromSlot(t.results[i], fp + at);
  return result;
}

}  // namespace capsule::internal::interp
