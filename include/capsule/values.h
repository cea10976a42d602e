// WebAssembly value types, typed values and function signatures.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace capsule {

// A WebAssembly value type. Calls carry the four numeric types; the others appear only in introspection.
enum class ValType : uint8_t { kI32, kI64, kF32, kF64, kV128, kFuncRef, kExternRef };

// Text name of a value type ("i32", ...).
const char* ValTypeName(ValType t);

// A typed numeric value, as passed to and returned from calls. Trivial: `Value v;` is uninitialized (cheap arrays on
// hot paths), `Value v{}` is the i32 zero.
struct Value {
  ValType type;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
  } of;

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

  int32_t i32() const { return of.i32; }
  int64_t i64() const { return of.i64; }
  float f32() const { return of.f32; }
  double f64() const { return of.f64; }
  // Unsigned view of an i32, the usual reading of guest pointers and lengths.
  uint32_t u32() const { return static_cast<uint32_t>(of.i32); }
};

// A function signature.
struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;

  bool operator==(const FuncType&) const = default;
  // "(i32, i32) -> (i64)"
  std::string ToString() const;
};

}  // namespace capsule
