/// @file
/// WebAssembly value types, typed values and function signatures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace capsule {

class Function;

/// A WebAssembly value type: the four numbers, the 128-bit vector and the two references of WebAssembly 2.0.
enum class ValType : uint8_t { kI32, kI64, kF32, kF64, kV128, kFuncRef, kExternRef };

/// Text name of a value type ("i32", ..., "funcref", "externref").
const char* ValTypeName(ValType t);
/// Whether t is a reference type (funcref or externref).
inline bool IsRefType(ValType t) {
  return t == ValType::kFuncRef || t == ValType::kExternRef;
}

/// The 128 bits of a v128, in memory order: lane 0 first, each lane little-endian (as v128.store writes them).
struct V128 {
  uint8_t bytes[16];  ///< lane 0 first

  /// Lane i of the vector seen as lanes of type T (int8_t ... uint64_t, float, double); i < 16 / sizeof(T).
  template <class T>
  T lane(size_t i) const {
    T v;
    std::memcpy(&v, bytes + i * sizeof(T), sizeof(T));
    return v;
  }
  /// Sets lane i of type T to v (the same lanes as lane()).
  template <class T>
  void set_lane(size_t i, T v) {
    std::memcpy(bytes + i * sizeof(T), &v, sizeof(T));
  }
  bool operator==(const V128&) const = default;  ///< bit for bit
};

/// A typed value, as passed to and returned from calls, host functions, globals and tables. Trivially copyable and
/// 24 bytes: `Value v;` is uninitialized (cheap arrays on hot paths), `Value v{}` is the i32 zero.
///
/// Floats are carried bit for bit: a NaN keeps its sign and payload through every call in both directions (use
/// F32Bits / f32_bits to build and read exact patterns). A reference is a pointer the engine does not own: a funcref
/// points to a Function of the Context it came from (valid while that Context lives), an externref is whatever
/// pointer the host chose (the engine never dereferences it). nullptr is the null reference of either type.
struct Value {
  ValType type;  ///< which member of `of` holds the value
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    capsule::V128 v128;
    const Function* funcref;
    void* externref;
  } of;  ///< the value; read it through the accessors below

  ///@{
  /// A value of that type.
  static Value I32(int32_t v) {
    Value x;
    x.type = ValType::kI32;
    x.of.i32 = v;
    return x;
  }
  static Value I64(int64_t v) {
    Value x;
    x.type = ValType::kI64;
    x.of.i64 = v;
    return x;
  }
  static Value F32(float v) {
    Value x;
    x.type = ValType::kF32;
    x.of.f32 = v;
    return x;
  }
  static Value F64(double v) {
    Value x;
    x.type = ValType::kF64;
    x.of.f64 = v;
    return x;
  }
  ///@}
  ///@{
  /// The f32 / f64 whose IEEE 754 bits are bits (any NaN pattern).
  static Value F32Bits(uint32_t bits) {
    Value x;
    x.type = ValType::kF32;
    std::memcpy(&x.of.f32, &bits, sizeof bits);
    return x;
  }
  static Value F64Bits(uint64_t bits) {
    Value x;
    x.type = ValType::kF64;
    std::memcpy(&x.of.f64, &bits, sizeof bits);
    return x;
  }
  ///@}
  /// A v128 of those bits.
  static Value V128(const capsule::V128& v) {
    Value x;
    x.type = ValType::kV128;
    x.of.v128 = v;
    return x;
  }
  /// A funcref to f (nullptr: ref.null func).
  static Value FuncRef(const Function* f) {
    Value x;
    x.type = ValType::kFuncRef;
    x.of.funcref = f;
    return x;
  }
  /// An externref holding the host's pointer p (nullptr: ref.null extern).
  static Value ExternRef(void* p) {
    Value x;
    x.type = ValType::kExternRef;
    x.of.externref = p;
    return x;
  }
  /// The default value of type t, as locals and new table slots start: zero bits, or the null reference.
  static Value Default(ValType t) {
    Value x;
    std::memset(&x, 0, sizeof x);
    x.type = t;
    return x;
  }

  ///@{
  /// The value, read as that type (the caller knows the type: nothing is checked).
  int32_t i32() const { return of.i32; }
  int64_t i64() const { return of.i64; }
  float f32() const { return of.f32; }
  double f64() const { return of.f64; }
  ///@}
  /// Unsigned view of an i32, the usual reading of guest pointers and lengths.
  uint32_t u32() const { return static_cast<uint32_t>(of.i32); }
  ///@{
  /// The IEEE 754 bits of an f32 / f64.
  uint32_t f32_bits() const {
    uint32_t b;
    std::memcpy(&b, &of.f32, sizeof b);
    return b;
  }
  uint64_t f64_bits() const {
    uint64_t b;
    std::memcpy(&b, &of.f64, sizeof b);
    return b;
  }
  ///@}
  ///@{
  /// The value, read as that type (the caller knows the type: nothing is checked).
  const capsule::V128& v128() const { return of.v128; }
  const Function* funcref() const { return of.funcref; }
  void* externref() const { return of.externref; }
  ///@}
  /// Whether a reference value is the null reference (for funcref and externref only).
  bool is_null() const { return type == ValType::kFuncRef ? of.funcref == nullptr : of.externref == nullptr; }
};

static_assert(std::is_trivially_copyable_v<Value> && sizeof(Value) <= 24);

/// A function signature.
struct FuncType {
  std::vector<ValType> params;   ///< parameter types, in order
  std::vector<ValType> results;  ///< result types, in order

  bool operator==(const FuncType&) const = default;  ///< the same parameters and results
  /// "(i32, i32) -> (i64)"
  std::string ToString() const;
};

}  // namespace capsule
