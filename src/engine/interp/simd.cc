#include "engine/interp/simd.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace capsule::internal::interp {
namespace {

constexpr ValType V = ValType::kV128, I32 = ValType::kI32, I64 = ValType::kI64, F32 = ValType::kF32,
                  F64 = ValType::kF64;

// A v128 seen as lanes of T.
template <class T>
struct Lanes {
  static constexpr int kN = 16 / sizeof(T);
  T v[kN];
};
template <class T>
Lanes<T> In(const uint8_t* p) {
  Lanes<T> x;
  std::memcpy(&x, p, 16);
  return x;
}
template <class T>
void Out(uint8_t* p, const Lanes<T>& x) {
  std::memcpy(p, &x, 16);
}
template <class T>
T Scalar(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class T>
void PutScalar(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

// Lane-wise maps (inputs are read whole before the result is written: dst may be an input).
template <class T, class R = T, class F>
void Map1(uint8_t* d, const uint8_t* a, F f) {
  auto x = In<T>(a);
  Lanes<R> r;
  for (int i = 0; i < Lanes<T>::kN; ++i) r.v[i] = static_cast<R>(f(x.v[i]));
  Out(d, r);
}
template <class T, class R = T, class F>
void Map2(uint8_t* d, const uint8_t* a, const uint8_t* b, F f) {
  auto x = In<T>(a);
  auto y = In<T>(b);
  Lanes<R> r;
  for (int i = 0; i < Lanes<T>::kN; ++i) r.v[i] = static_cast<R>(f(x.v[i], y.v[i]));
  Out(d, r);
}
// A comparison: all ones where true.
template <class T, class F>
void Compare(uint8_t* d, const uint8_t* a, const uint8_t* b, F f) {
  using U = std::conditional_t<
      sizeof(T) == 1, uint8_t,
      std::conditional_t<sizeof(T) == 2, uint16_t, std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;
  auto x = In<T>(a);
  auto y = In<T>(b);
  Lanes<U> r;
  for (int i = 0; i < Lanes<T>::kN; ++i) r.v[i] = f(x.v[i], y.v[i]) ? static_cast<U>(~U{0}) : U{0};
  Out(d, r);
}

template <class T>
T Saturate(int64_t v) {
  return static_cast<T>(std::clamp<int64_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}
template <class F>
F Quiet(F a) {
  return a + a;
}
// f32x4/f64x2 min and max. A NaN result is the canonical NaN (which WebAssembly always allows), with the sign V8
// gives it on x86: always negative for min, negative for max when either operand is. So the same lanes come out
// on both backends, bit for bit (the differential test compares them).
template <class F>
F FMin(F a, F b) {
  if (a != a || b != b) return std::copysign(std::numeric_limits<F>::quiet_NaN(), F{-1});
  if (a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
template <class F>
F FMax(F a, F b) {
  if (a != a || b != b)
    return std::copysign(std::numeric_limits<F>::quiet_NaN(), std::signbit(a) || std::signbit(b) ? F{-1} : F{1});
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
template <class I, class F>
I TruncSat(F x) {
  if (x != x) return 0;
  if (x <= static_cast<F>(std::numeric_limits<I>::min())) return std::numeric_limits<I>::min();
  if (x >= static_cast<F>(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  return static_cast<I>(x);
}
template <class T>
T Abs(T a) {
  using U = std::make_unsigned_t<T>;
  return a < 0 ? static_cast<T>(U{0} - static_cast<U>(a)) : a;
}
// Lanes narrowed with saturation: a's lanes then b's.
template <class From, class To>
void Narrow(uint8_t* d, const uint8_t* a, const uint8_t* b) {
  auto x = In<From>(a), y = In<From>(b);
  Lanes<To> r;
  constexpr int n = Lanes<From>::kN;
  for (int i = 0; i < n; ++i) r.v[i] = Saturate<To>(x.v[i]);
  for (int i = 0; i < n; ++i) r.v[n + i] = Saturate<To>(y.v[i]);
  Out(d, r);
}
// The low or high half of a's lanes, widened.
template <class From, class To>
void Extend(uint8_t* d, const uint8_t* a, bool high) {
  auto x = In<From>(a);
  Lanes<To> r;
  constexpr int n = Lanes<To>::kN;
  for (int i = 0; i < n; ++i) r.v[i] = static_cast<To>(x.v[(high ? n : 0) + i]);
  Out(d, r);
}
template <class From, class To>
void ExtMul(uint8_t* d, const uint8_t* a, const uint8_t* b, bool high) {
  auto x = In<From>(a), y = In<From>(b);
  Lanes<To> r;
  constexpr int n = Lanes<To>::kN;
  for (int i = 0; i < n; ++i)  // in 64 unsigned bits: the low bits of the product, without overflow
    r.v[i] = static_cast<To>(static_cast<uint64_t>(static_cast<To>(x.v[(high ? n : 0) + i])) *
                             static_cast<uint64_t>(static_cast<To>(y.v[(high ? n : 0) + i])));
  Out(d, r);
}
template <class From, class To>
void ExtAddPairwise(uint8_t* d, const uint8_t* a) {
  auto x = In<From>(a);
  Lanes<To> r;
  for (int i = 0; i < Lanes<To>::kN; ++i) r.v[i] = static_cast<To>(To{x.v[2 * i]} + To{x.v[2 * i + 1]});
  Out(d, r);
}
template <class T>
void Shl(uint8_t* d, const uint8_t* a, const uint8_t* s) {
  using U = std::make_unsigned_t<T>;
  const uint32_t k = Scalar<uint32_t>(s) & (sizeof(T) * 8 - 1);
  Map1<U>(d, a, [k](U x) { return static_cast<U>(x << k); });
}
template <class T>
void Shr(uint8_t* d, const uint8_t* a, const uint8_t* s) {
  const uint32_t k = Scalar<uint32_t>(s) & (sizeof(T) * 8 - 1);
  Map1<T>(d, a, [k](T x) { return static_cast<T>(x >> k); });
}
template <class T>
void AllTrue(uint8_t* d, const uint8_t* a) {
  auto x = In<T>(a);
  uint32_t all = 1;
  for (T v : x.v) all &= v != 0;
  PutScalar<uint32_t>(d, all);
}
template <class T>
void Bitmask(uint8_t* d, const uint8_t* a) {
  auto x = In<std::make_signed_t<T>>(a);
  uint32_t mask = 0;
  for (int i = 0; i < Lanes<T>::kN; ++i) mask |= static_cast<uint32_t>(x.v[i] < 0) << i;
  PutScalar<uint32_t>(d, mask);
}
template <class T, class S = T>
void Splat(uint8_t* d, const uint8_t* a) {
  const T v = static_cast<T>(Scalar<S>(a));
  Lanes<T> r;
  for (T& x : r.v) x = v;
  Out(d, r);
}
template <class T, class R = T>
void Extract(uint8_t* d, const uint8_t* a, uint32_t lane) {
  PutScalar<R>(d, static_cast<R>(In<T>(a).v[lane]));
}
template <class T, class S = T>
void Replace(uint8_t* d, const uint8_t* a, const uint8_t* b, uint32_t lane) {
  auto x = In<T>(a);
  x.v[lane] = static_cast<T>(Scalar<S>(b));
  Out(d, x);
}
// Loads of n lanes of From widened to To.
template <class From, class To>
void LoadExtend(uint8_t* d, const uint8_t* m) {
  Lanes<To> r;
  for (int i = 0; i < Lanes<To>::kN; ++i) r.v[i] = static_cast<To>(Scalar<From>(m + i * sizeof(From)));
  Out(d, r);
}
template <class T>
void LoadSplat(uint8_t* d, const uint8_t* m) {
  Splat<T>(d, m);
}
template <class T>
void LoadZero(uint8_t* d, const uint8_t* m) {
  uint8_t r[16] = {};
  std::memcpy(r, m, sizeof(T));
  std::memcpy(d, r, 16);
}
template <class T>
void LoadLane(uint8_t* d, const uint8_t* m, const uint8_t* v, uint32_t lane) {
  auto x = In<T>(v);
  x.v[lane] = Scalar<T>(m);
  Out(d, x);
}
template <class T>
void StoreLane(uint8_t* m, const uint8_t* v, uint32_t lane) {
  PutScalar<T>(m, In<T>(v).v[lane]);
}

#define FN(...)                                                                         \
  +[](uint8_t* d, const uint8_t* a, const uint8_t* b, const uint8_t* c, uint32_t imm) { \
    (void)d, (void)a, (void)b, (void)c, (void)imm;                                      \
    __VA_ARGS__;                                                                        \
  }

// Integer lane operations shared by the four lane widths.
template <class S>
struct IntOps {
  using U = std::make_unsigned_t<S>;
  static void Add(uint8_t* d, const uint8_t* a, const uint8_t* b) {
    Map2<U>(d, a, b, [](U x, U y) { return static_cast<U>(x + y); });
  }
  static void Sub(uint8_t* d, const uint8_t* a, const uint8_t* b) {
    Map2<U>(d, a, b, [](U x, U y) { return static_cast<U>(x - y); });
  }
  static void Mul(uint8_t* d, const uint8_t* a, const uint8_t* b) {
    Map2<U>(d, a, b, [](U x, U y) { return static_cast<U>(static_cast<uint64_t>(x) * y); });
  }
  static void Neg(uint8_t* d, const uint8_t* a) {
    Map1<U>(d, a, [](U x) { return static_cast<U>(U{0} - x); });
  }
  static void AbsLanes(uint8_t* d, const uint8_t* a) {
    Map1<S>(d, a, [](S x) { return Abs(x); });
  }
};

SimdOp* BuildTable() {
  static SimdOp t[256];
  auto reg = [](uint32_t op, SimdFn fn, std::initializer_list<ValType> in, ValType out, uint8_t lanes = 0) {
    SimdOp& o = t[op];
    o.kind = SimdOp::Kind::kRegister;
    o.fn = fn;
    o.inputs = 0;
    for (ValType v : in) o.in[o.inputs++] = v;
    o.out = out;
    o.lanes = lanes;
  };
  auto load = [](uint32_t op, SimdFn fn, uint8_t bytes, uint8_t align, uint8_t lanes = 0) {
    SimdOp& o = t[op];
    o.kind = SimdOp::Kind::kLoad;
    o.fn = fn;
    o.bytes = bytes;
    o.align = align;
    o.lanes = lanes;
    o.inputs = lanes ? 2 : 1;
    o.in[0] = I32;
    o.in[1] = V;
  };
  auto store = [](uint32_t op, SimdFn fn, uint8_t bytes, uint8_t align, uint8_t lanes = 0) {
    SimdOp& o = t[op];
    o.kind = SimdOp::Kind::kStore;
    o.fn = fn;
    o.bytes = bytes;
    o.align = align;
    o.lanes = lanes;
    o.inputs = 2;
    o.in[0] = I32;
    o.in[1] = V;
    o.has_result = false;
  };

  // Memory.
  load(0x00, FN(std::memcpy(d, a, 16)), 16, 4);
  load(0x01, FN((LoadExtend<int8_t, int16_t>(d, a))), 8, 3);
  load(0x02, FN((LoadExtend<uint8_t, uint16_t>(d, a))), 8, 3);
  load(0x03, FN((LoadExtend<int16_t, int32_t>(d, a))), 8, 3);
  load(0x04, FN((LoadExtend<uint16_t, uint32_t>(d, a))), 8, 3);
  load(0x05, FN((LoadExtend<int32_t, int64_t>(d, a))), 8, 3);
  load(0x06, FN((LoadExtend<uint32_t, uint64_t>(d, a))), 8, 3);
  load(0x07, FN(LoadSplat<uint8_t>(d, a)), 1, 0);
  load(0x08, FN(LoadSplat<uint16_t>(d, a)), 2, 1);
  load(0x09, FN(LoadSplat<uint32_t>(d, a)), 4, 2);
  load(0x0a, FN(LoadSplat<uint64_t>(d, a)), 8, 3);
  store(0x0b, FN(std::memcpy(d, a, 16)), 16, 4);
  t[0x0c].kind = SimdOp::Kind::kConst;
  t[0x0d].kind = SimdOp::Kind::kShuffle;
  t[0x0d].fn = FN((void)0);
  t[0x0c].fn = FN((void)0);
  load(0x54, FN(LoadLane<uint8_t>(d, a, b, imm)), 1, 0, 16);
  load(0x55, FN(LoadLane<uint16_t>(d, a, b, imm)), 2, 1, 8);
  load(0x56, FN(LoadLane<uint32_t>(d, a, b, imm)), 4, 2, 4);
  load(0x57, FN(LoadLane<uint64_t>(d, a, b, imm)), 8, 3, 2);
  store(0x58, FN(StoreLane<uint8_t>(d, a, imm)), 1, 0, 16);
  store(0x59, FN(StoreLane<uint16_t>(d, a, imm)), 2, 1, 8);
  store(0x5a, FN(StoreLane<uint32_t>(d, a, imm)), 4, 2, 4);
  store(0x5b, FN(StoreLane<uint64_t>(d, a, imm)), 8, 3, 2);
  load(0x5c, FN(LoadZero<uint32_t>(d, a)), 4, 2);
  load(0x5d, FN(LoadZero<uint64_t>(d, a)), 8, 3);

  // Lanes.
  reg(0x0e, FN({
        auto x = In<uint8_t>(a), s = In<uint8_t>(b);
        Lanes<uint8_t> r;
        for (int i = 0; i < 16; ++i) r.v[i] = s.v[i] < 16 ? x.v[s.v[i]] : 0;
        Out(d, r);
      }),
      {V, V}, V);
  reg(0x0f, FN((Splat<uint8_t, uint32_t>(d, a))), {I32}, V);
  reg(0x10, FN((Splat<uint16_t, uint32_t>(d, a))), {I32}, V);
  reg(0x11, FN((Splat<uint32_t>(d, a))), {I32}, V);
  reg(0x12, FN((Splat<uint64_t>(d, a))), {I64}, V);
  reg(0x13, FN((Splat<float>(d, a))), {F32}, V);
  reg(0x14, FN((Splat<double>(d, a))), {F64}, V);
  reg(0x15, FN((Extract<int8_t, int32_t>(d, a, imm))), {V}, I32, 16);
  reg(0x16, FN((Extract<uint8_t, uint32_t>(d, a, imm))), {V}, I32, 16);
  reg(0x17, FN((Replace<uint8_t, uint32_t>(d, a, b, imm))), {V, I32}, V, 16);
  reg(0x18, FN((Extract<int16_t, int32_t>(d, a, imm))), {V}, I32, 8);
  reg(0x19, FN((Extract<uint16_t, uint32_t>(d, a, imm))), {V}, I32, 8);
  reg(0x1a, FN((Replace<uint16_t, uint32_t>(d, a, b, imm))), {V, I32}, V, 8);
  reg(0x1b, FN((Extract<uint32_t>(d, a, imm))), {V}, I32, 4);
  reg(0x1c, FN((Replace<uint32_t>(d, a, b, imm))), {V, I32}, V, 4);
  reg(0x1d, FN((Extract<uint64_t>(d, a, imm))), {V}, I64, 2);
  reg(0x1e, FN((Replace<uint64_t>(d, a, b, imm))), {V, I64}, V, 2);
  reg(0x1f, FN((Extract<float>(d, a, imm))), {V}, F32, 4);
  reg(0x20, FN((Replace<float>(d, a, b, imm))), {V, F32}, V, 4);
  reg(0x21, FN((Extract<double>(d, a, imm))), {V}, F64, 2);
  reg(0x22, FN((Replace<double>(d, a, b, imm))), {V, F64}, V, 2);

  // Integer comparisons: eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u for i8x16 (0x23), i16x8 (0x2d), i32x4 (0x37).
#define INT_COMPARES(base, S, U)                                                      \
  reg(base + 0, FN(Compare<S>(d, a, b, [](S x, S y) { return x == y; })), {V, V}, V); \
  reg(base + 1, FN(Compare<S>(d, a, b, [](S x, S y) { return x != y; })), {V, V}, V); \
  reg(base + 2, FN(Compare<S>(d, a, b, [](S x, S y) { return x < y; })), {V, V}, V);  \
  reg(base + 3, FN(Compare<U>(d, a, b, [](U x, U y) { return x < y; })), {V, V}, V);  \
  reg(base + 4, FN(Compare<S>(d, a, b, [](S x, S y) { return x > y; })), {V, V}, V);  \
  reg(base + 5, FN(Compare<U>(d, a, b, [](U x, U y) { return x > y; })), {V, V}, V);  \
  reg(base + 6, FN(Compare<S>(d, a, b, [](S x, S y) { return x <= y; })), {V, V}, V); \
  reg(base + 7, FN(Compare<U>(d, a, b, [](U x, U y) { return x <= y; })), {V, V}, V); \
  reg(base + 8, FN(Compare<S>(d, a, b, [](S x, S y) { return x >= y; })), {V, V}, V); \
  reg(base + 9, FN(Compare<U>(d, a, b, [](U x, U y) { return x >= y; })), {V, V}, V);
  INT_COMPARES(0x23, int8_t, uint8_t)
  INT_COMPARES(0x2d, int16_t, uint16_t)
  INT_COMPARES(0x37, int32_t, uint32_t)
#undef INT_COMPARES
#define FLOAT_COMPARES(base, F)                                                       \
  reg(base + 0, FN(Compare<F>(d, a, b, [](F x, F y) { return x == y; })), {V, V}, V); \
  reg(base + 1, FN(Compare<F>(d, a, b, [](F x, F y) { return x != y; })), {V, V}, V); \
  reg(base + 2, FN(Compare<F>(d, a, b, [](F x, F y) { return x < y; })), {V, V}, V);  \
  reg(base + 3, FN(Compare<F>(d, a, b, [](F x, F y) { return x > y; })), {V, V}, V);  \
  reg(base + 4, FN(Compare<F>(d, a, b, [](F x, F y) { return x <= y; })), {V, V}, V); \
  reg(base + 5, FN(Compare<F>(d, a, b, [](F x, F y) { return x >= y; })), {V, V}, V);
  FLOAT_COMPARES(0x41, float)
  FLOAT_COMPARES(0x47, double)
#undef FLOAT_COMPARES

  // Bitwise.
  reg(0x4d, FN(Map1<uint64_t>(d, a, [](uint64_t x) { return ~x; })), {V}, V);
  reg(0x4e, FN(Map2<uint64_t>(d, a, b, [](uint64_t x, uint64_t y) { return x & y; })), {V, V}, V);
  reg(0x4f, FN(Map2<uint64_t>(d, a, b, [](uint64_t x, uint64_t y) { return x & ~y; })), {V, V}, V);
  reg(0x50, FN(Map2<uint64_t>(d, a, b, [](uint64_t x, uint64_t y) { return x | y; })), {V, V}, V);
  reg(0x51, FN(Map2<uint64_t>(d, a, b, [](uint64_t x, uint64_t y) { return x ^ y; })), {V, V}, V);
  reg(0x52, FN({
        auto x = In<uint64_t>(a), y = In<uint64_t>(b), m = In<uint64_t>(c);
        Lanes<uint64_t> r;
        for (int i = 0; i < 2; ++i) r.v[i] = (x.v[i] & m.v[i]) | (y.v[i] & ~m.v[i]);
        Out(d, r);
      }),
      {V, V, V}, V);
  reg(0x53, FN({
        auto x = In<uint64_t>(a);
        PutScalar<uint32_t>(d, (x.v[0] | x.v[1]) != 0);
      }),
      {V}, I32);

  // Float conversions between widths.
  reg(0x5e, FN({
        auto x = In<double>(a);
        Lanes<float> r{};
        r.v[0] = static_cast<float>(x.v[0]);
        r.v[1] = static_cast<float>(x.v[1]);
        Out(d, r);
      }),
      {V}, V);
  reg(0x5f, FN({
        auto x = In<float>(a);
        Lanes<double> r;
        r.v[0] = x.v[0];
        r.v[1] = x.v[1];
        Out(d, r);
      }),
      {V}, V);

  // i8x16.
  reg(0x60, FN(IntOps<int8_t>::AbsLanes(d, a)), {V}, V);
  reg(0x61, FN(IntOps<int8_t>::Neg(d, a)), {V}, V);
  reg(0x62, FN(Map1<uint8_t>(d, a, [](uint8_t x) { return std::popcount(x); })), {V}, V);
  reg(0x63, FN(AllTrue<uint8_t>(d, a)), {V}, I32);
  reg(0x64, FN(Bitmask<uint8_t>(d, a)), {V}, I32);
  reg(0x65, FN((Narrow<int16_t, int8_t>(d, a, b))), {V, V}, V);
  reg(0x66, FN((Narrow<int16_t, uint8_t>(d, a, b))), {V, V}, V);
  reg(0x6b, FN(Shl<int8_t>(d, a, b)), {V, I32}, V);
  reg(0x6c, FN(Shr<int8_t>(d, a, b)), {V, I32}, V);
  reg(0x6d, FN(Shr<uint8_t>(d, a, b)), {V, I32}, V);
  reg(0x6e, FN(IntOps<int8_t>::Add(d, a, b)), {V, V}, V);
  reg(0x6f, FN(Map2<int8_t>(d, a, b, [](int8_t x, int8_t y) { return Saturate<int8_t>(int64_t{x} + y); })), {V, V}, V);
  reg(0x70, FN(Map2<uint8_t>(d, a, b, [](uint8_t x, uint8_t y) { return Saturate<uint8_t>(int64_t{x} + y); })), {V, V},
      V);
  reg(0x71, FN(IntOps<int8_t>::Sub(d, a, b)), {V, V}, V);
  reg(0x72, FN(Map2<int8_t>(d, a, b, [](int8_t x, int8_t y) { return Saturate<int8_t>(int64_t{x} - y); })), {V, V}, V);
  reg(0x73, FN(Map2<uint8_t>(d, a, b, [](uint8_t x, uint8_t y) { return Saturate<uint8_t>(int64_t{x} - y); })), {V, V},
      V);
  reg(0x76, FN(Map2<int8_t>(d, a, b, [](int8_t x, int8_t y) { return std::min(x, y); })), {V, V}, V);
  reg(0x77, FN(Map2<uint8_t>(d, a, b, [](uint8_t x, uint8_t y) { return std::min(x, y); })), {V, V}, V);
  reg(0x78, FN(Map2<int8_t>(d, a, b, [](int8_t x, int8_t y) { return std::max(x, y); })), {V, V}, V);
  reg(0x79, FN(Map2<uint8_t>(d, a, b, [](uint8_t x, uint8_t y) { return std::max(x, y); })), {V, V}, V);
  reg(0x7b, FN(Map2<uint8_t>(d, a, b, [](uint8_t x, uint8_t y) { return (uint32_t{x} + y + 1) >> 1; })), {V, V}, V);
  reg(0x7c, FN((ExtAddPairwise<int8_t, int16_t>(d, a))), {V}, V);
  reg(0x7d, FN((ExtAddPairwise<uint8_t, uint16_t>(d, a))), {V}, V);
  reg(0x7e, FN((ExtAddPairwise<int16_t, int32_t>(d, a))), {V}, V);
  reg(0x7f, FN((ExtAddPairwise<uint16_t, uint32_t>(d, a))), {V}, V);

  // Float rounding.
  reg(0x67, FN(Map1<float>(d, a, [](float x) { return x != x ? Quiet(x) : std::ceil(x); })), {V}, V);
  reg(0x68, FN(Map1<float>(d, a, [](float x) { return x != x ? Quiet(x) : std::floor(x); })), {V}, V);
  reg(0x69, FN(Map1<float>(d, a, [](float x) { return x != x ? Quiet(x) : std::trunc(x); })), {V}, V);
  reg(0x6a, FN(Map1<float>(d, a, [](float x) { return x != x ? Quiet(x) : std::nearbyint(x); })), {V}, V);
  reg(0x74, FN(Map1<double>(d, a, [](double x) { return x != x ? Quiet(x) : std::ceil(x); })), {V}, V);
  reg(0x75, FN(Map1<double>(d, a, [](double x) { return x != x ? Quiet(x) : std::floor(x); })), {V}, V);
  reg(0x7a, FN(Map1<double>(d, a, [](double x) { return x != x ? Quiet(x) : std::trunc(x); })), {V}, V);
  reg(0x94, FN(Map1<double>(d, a, [](double x) { return x != x ? Quiet(x) : std::nearbyint(x); })), {V}, V);

  // i16x8.
  reg(0x80, FN(IntOps<int16_t>::AbsLanes(d, a)), {V}, V);
  reg(0x81, FN(IntOps<int16_t>::Neg(d, a)), {V}, V);
  reg(0x82,
      FN(Map2<int16_t>(d, a, b,
                       [](int16_t x, int16_t y) { return Saturate<int16_t>((int64_t{x} * y + 0x4000) >> 15); })),
      {V, V}, V);
  reg(0x83, FN(AllTrue<uint16_t>(d, a)), {V}, I32);
  reg(0x84, FN(Bitmask<uint16_t>(d, a)), {V}, I32);
  reg(0x85, FN((Narrow<int32_t, int16_t>(d, a, b))), {V, V}, V);
  reg(0x86, FN((Narrow<int32_t, uint16_t>(d, a, b))), {V, V}, V);
  reg(0x87, FN((Extend<int8_t, int16_t>(d, a, false))), {V}, V);
  reg(0x88, FN((Extend<int8_t, int16_t>(d, a, true))), {V}, V);
  reg(0x89, FN((Extend<uint8_t, uint16_t>(d, a, false))), {V}, V);
  reg(0x8a, FN((Extend<uint8_t, uint16_t>(d, a, true))), {V}, V);
  reg(0x8b, FN(Shl<int16_t>(d, a, b)), {V, I32}, V);
  reg(0x8c, FN(Shr<int16_t>(d, a, b)), {V, I32}, V);
  reg(0x8d, FN(Shr<uint16_t>(d, a, b)), {V, I32}, V);
  reg(0x8e, FN(IntOps<int16_t>::Add(d, a, b)), {V, V}, V);
  reg(0x8f, FN(Map2<int16_t>(d, a, b, [](int16_t x, int16_t y) { return Saturate<int16_t>(int64_t{x} + y); })), {V, V},
      V);
  reg(0x90, FN(Map2<uint16_t>(d, a, b, [](uint16_t x, uint16_t y) { return Saturate<uint16_t>(int64_t{x} + y); })),
      {V, V}, V);
  reg(0x91, FN(IntOps<int16_t>::Sub(d, a, b)), {V, V}, V);
  reg(0x92, FN(Map2<int16_t>(d, a, b, [](int16_t x, int16_t y) { return Saturate<int16_t>(int64_t{x} - y); })), {V, V},
      V);
  reg(0x93, FN(Map2<uint16_t>(d, a, b, [](uint16_t x, uint16_t y) { return Saturate<uint16_t>(int64_t{x} - y); })),
      {V, V}, V);
  reg(0x95, FN(IntOps<int16_t>::Mul(d, a, b)), {V, V}, V);
  reg(0x96, FN(Map2<int16_t>(d, a, b, [](int16_t x, int16_t y) { return std::min(x, y); })), {V, V}, V);
  reg(0x97, FN(Map2<uint16_t>(d, a, b, [](uint16_t x, uint16_t y) { return std::min(x, y); })), {V, V}, V);
  reg(0x98, FN(Map2<int16_t>(d, a, b, [](int16_t x, int16_t y) { return std::max(x, y); })), {V, V}, V);
  reg(0x99, FN(Map2<uint16_t>(d, a, b, [](uint16_t x, uint16_t y) { return std::max(x, y); })), {V, V}, V);
  reg(0x9b, FN(Map2<uint16_t>(d, a, b, [](uint16_t x, uint16_t y) { return (uint32_t{x} + y + 1) >> 1; })), {V, V}, V);
  reg(0x9c, FN((ExtMul<int8_t, int16_t>(d, a, b, false))), {V, V}, V);
  reg(0x9d, FN((ExtMul<int8_t, int16_t>(d, a, b, true))), {V, V}, V);
  reg(0x9e, FN((ExtMul<uint8_t, uint16_t>(d, a, b, false))), {V, V}, V);
  reg(0x9f, FN((ExtMul<uint8_t, uint16_t>(d, a, b, true))), {V, V}, V);

  // i32x4.
  reg(0xa0, FN(IntOps<int32_t>::AbsLanes(d, a)), {V}, V);
  reg(0xa1, FN(IntOps<int32_t>::Neg(d, a)), {V}, V);
  reg(0xa3, FN(AllTrue<uint32_t>(d, a)), {V}, I32);
  reg(0xa4, FN(Bitmask<uint32_t>(d, a)), {V}, I32);
  reg(0xa7, FN((Extend<int16_t, int32_t>(d, a, false))), {V}, V);
  reg(0xa8, FN((Extend<int16_t, int32_t>(d, a, true))), {V}, V);
  reg(0xa9, FN((Extend<uint16_t, uint32_t>(d, a, false))), {V}, V);
  reg(0xaa, FN((Extend<uint16_t, uint32_t>(d, a, true))), {V}, V);
  reg(0xab, FN(Shl<int32_t>(d, a, b)), {V, I32}, V);
  reg(0xac, FN(Shr<int32_t>(d, a, b)), {V, I32}, V);
  reg(0xad, FN(Shr<uint32_t>(d, a, b)), {V, I32}, V);
  reg(0xae, FN(IntOps<int32_t>::Add(d, a, b)), {V, V}, V);
  reg(0xb1, FN(IntOps<int32_t>::Sub(d, a, b)), {V, V}, V);
  reg(0xb5, FN(IntOps<int32_t>::Mul(d, a, b)), {V, V}, V);
  reg(0xb6, FN(Map2<int32_t>(d, a, b, [](int32_t x, int32_t y) { return std::min(x, y); })), {V, V}, V);
  reg(0xb7, FN(Map2<uint32_t>(d, a, b, [](uint32_t x, uint32_t y) { return std::min(x, y); })), {V, V}, V);
  reg(0xb8, FN(Map2<int32_t>(d, a, b, [](int32_t x, int32_t y) { return std::max(x, y); })), {V, V}, V);
  reg(0xb9, FN(Map2<uint32_t>(d, a, b, [](uint32_t x, uint32_t y) { return std::max(x, y); })), {V, V}, V);
  reg(0xba, FN({
        auto x = In<int16_t>(a), y = In<int16_t>(b);
        Lanes<uint32_t> r;
        for (int i = 0; i < 4; ++i)
          r.v[i] = static_cast<uint32_t>(int64_t{x.v[2 * i]} * y.v[2 * i] + int64_t{x.v[2 * i + 1]} * y.v[2 * i + 1]);
        Out(d, r);
      }),
      {V, V}, V);
  reg(0xbc, FN((ExtMul<int16_t, int32_t>(d, a, b, false))), {V, V}, V);
  reg(0xbd, FN((ExtMul<int16_t, int32_t>(d, a, b, true))), {V, V}, V);
  reg(0xbe, FN((ExtMul<uint16_t, uint32_t>(d, a, b, false))), {V, V}, V);
  reg(0xbf, FN((ExtMul<uint16_t, uint32_t>(d, a, b, true))), {V, V}, V);

  // i64x2.
  reg(0xc0, FN(IntOps<int64_t>::AbsLanes(d, a)), {V}, V);
  reg(0xc1, FN(IntOps<int64_t>::Neg(d, a)), {V}, V);
  reg(0xc3, FN(AllTrue<uint64_t>(d, a)), {V}, I32);
  reg(0xc4, FN(Bitmask<uint64_t>(d, a)), {V}, I32);
  reg(0xc7, FN((Extend<int32_t, int64_t>(d, a, false))), {V}, V);
  reg(0xc8, FN((Extend<int32_t, int64_t>(d, a, true))), {V}, V);
  reg(0xc9, FN((Extend<uint32_t, uint64_t>(d, a, false))), {V}, V);
  reg(0xca, FN((Extend<uint32_t, uint64_t>(d, a, true))), {V}, V);
  reg(0xcb, FN(Shl<int64_t>(d, a, b)), {V, I32}, V);
  reg(0xcc, FN(Shr<int64_t>(d, a, b)), {V, I32}, V);
  reg(0xcd, FN(Shr<uint64_t>(d, a, b)), {V, I32}, V);
  reg(0xce, FN(IntOps<int64_t>::Add(d, a, b)), {V, V}, V);
  reg(0xd1, FN(IntOps<int64_t>::Sub(d, a, b)), {V, V}, V);
  reg(0xd5, FN(IntOps<int64_t>::Mul(d, a, b)), {V, V}, V);
  reg(0xd6, FN(Compare<int64_t>(d, a, b, [](int64_t x, int64_t y) { return x == y; })), {V, V}, V);
  reg(0xd7, FN(Compare<int64_t>(d, a, b, [](int64_t x, int64_t y) { return x != y; })), {V, V}, V);
  reg(0xd8, FN(Compare<int64_t>(d, a, b, [](int64_t x, int64_t y) { return x < y; })), {V, V}, V);
  reg(0xd9, FN(Compare<int64_t>(d, a, b, [](int64_t x, int64_t y) { return x > y; })), {V, V}, V);
  reg(0xda, FN(Compare<int64_t>(d, a, b, [](int64_t x, int64_t y) { return x <= y; })), {V, V}, V);
  reg(0xdb, FN(Compare<int64_t>(d, a, b, [](int64_t x, int64_t y) { return x >= y; })), {V, V}, V);
  reg(0xdc, FN((ExtMul<int32_t, int64_t>(d, a, b, false))), {V, V}, V);
  reg(0xdd, FN((ExtMul<int32_t, int64_t>(d, a, b, true))), {V, V}, V);
  reg(0xde, FN((ExtMul<uint32_t, uint64_t>(d, a, b, false))), {V, V}, V);
  reg(0xdf, FN((ExtMul<uint32_t, uint64_t>(d, a, b, true))), {V, V}, V);

  // f32x4 (0xe0) and f64x2 (0xec): abs neg _ sqrt add sub mul div min max pmin pmax.
#define FLOAT_ARITH(base, F, U, sign)                                                      \
  reg(base + 0, FN(Map1<U>(d, a, [](U x) { return x & ~(U{1} << sign); })), {V}, V);       \
  reg(base + 1, FN(Map1<U>(d, a, [](U x) { return x ^ (U{1} << sign); })), {V}, V);        \
  reg(base + 3, FN(Map1<F>(d, a, [](F x) { return std::sqrt(x); })), {V}, V);              \
  reg(base + 4, FN(Map2<F>(d, a, b, [](F x, F y) { return x + y; })), {V, V}, V);          \
  reg(base + 5, FN(Map2<F>(d, a, b, [](F x, F y) { return x - y; })), {V, V}, V);          \
  reg(base + 6, FN(Map2<F>(d, a, b, [](F x, F y) { return x * y; })), {V, V}, V);          \
  reg(base + 7, FN(Map2<F>(d, a, b, [](F x, F y) { return x / y; })), {V, V}, V);          \
  reg(base + 8, FN(Map2<F>(d, a, b, [](F x, F y) { return FMin(x, y); })), {V, V}, V);     \
  reg(base + 9, FN(Map2<F>(d, a, b, [](F x, F y) { return FMax(x, y); })), {V, V}, V);     \
  reg(base + 10, FN(Map2<F>(d, a, b, [](F x, F y) { return y < x ? y : x; })), {V, V}, V); \
  reg(base + 11, FN(Map2<F>(d, a, b, [](F x, F y) { return x < y ? y : x; })), {V, V}, V);
  FLOAT_ARITH(0xe0, float, uint32_t, 31)
  FLOAT_ARITH(0xec, double, uint64_t, 63)
#undef FLOAT_ARITH

  // Conversions between integers and floats.
  reg(0xf8, FN((Map1<float, int32_t>(d, a, [](float x) { return TruncSat<int32_t>(x); }))), {V}, V);
  reg(0xf9, FN((Map1<float, uint32_t>(d, a, [](float x) { return TruncSat<uint32_t>(x); }))), {V}, V);
  reg(0xfa, FN((Map1<int32_t, float>(d, a, [](int32_t x) { return static_cast<float>(x); }))), {V}, V);
  reg(0xfb, FN((Map1<uint32_t, float>(d, a, [](uint32_t x) { return static_cast<float>(x); }))), {V}, V);
  reg(0xfc, FN({
        auto x = In<double>(a);
        Lanes<int32_t> r{};
        r.v[0] = TruncSat<int32_t>(x.v[0]);
        r.v[1] = TruncSat<int32_t>(x.v[1]);
        Out(d, r);
      }),
      {V}, V);
  reg(0xfd, FN({
        auto x = In<double>(a);
        Lanes<uint32_t> r{};
        r.v[0] = TruncSat<uint32_t>(x.v[0]);
        r.v[1] = TruncSat<uint32_t>(x.v[1]);
        Out(d, r);
      }),
      {V}, V);
  reg(0xfe, FN({
        auto x = In<int32_t>(a);
        Lanes<double> r;
        r.v[0] = x.v[0];
        r.v[1] = x.v[1];
        Out(d, r);
      }),
      {V}, V);
  reg(0xff, FN({
        auto x = In<uint32_t>(a);
        Lanes<double> r;
        r.v[0] = x.v[0];
        r.v[1] = x.v[1];
        Out(d, r);
      }),
      {V}, V);
  return t;
}

}  // namespace

const SimdOp* FindSimdOp(uint32_t op) {
  static const SimdOp* table = BuildTable();
  if (op > 0xff || table[op].fn == nullptr) return nullptr;
  return &table[op];
}

}  // namespace capsule::internal::interp
