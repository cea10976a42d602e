// The small generated modules through which the V8 backend moves values that JS cannot carry exactly: f32 and f64
// (JS numbers lose NaN payloads, f32 is widened to double), and v128 (no JS form at all). Each takes or returns
// their bits as integers ("wire" types) and reinterprets them inside wasm. Pure bytes: no V8 here.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "capsule/module_info.h"
#include "capsule/values.h"

namespace capsule::internal {

// How many wire values a value of type t crosses as: 2 for a v128 (its low and high i64 lanes), else 1.
inline int WireCount(ValType t) {
  return t == ValType::kV128 ? 2 : 1;
}

// Whether values of type t need a trampoline to cross JS exactly (f32, f64, v128).
inline bool NeedsWire(ValType t) {
  return t == ValType::kF32 || t == ValType::kF64 || t == ValType::kV128;
}

// Whether any parameter or result of type needs a trampoline.
bool NeedsTrampoline(const FuncType& type);

// type with f32 as its i32 bits, f64 as its i64 bits, v128 as two i64 (low lanes first); other types unchanged.
FuncType WireType(const FuncType& type);

// Imports ""."f" of type and exports "f" of WireType(type), which calls it: how the host calls a guest function.
std::vector<uint8_t> CallTrampolineModule(const FuncType& type);

// Imports ""."0", ""."1", ... of the wire types of types and exports "0", "1", ... of the types themselves, each
// calling its import: how a guest calls host functions.
std::vector<uint8_t> HostTrampolineModule(std::span<const FuncType> types);

// Imports ""."g", a global of type, and exports "get" () -> wire and, when it is mutable, "set" (wire) -> ().
std::vector<uint8_t> GlobalAccessorModule(const GlobalType& type);

// Exports "g", a global of type (f32, f64 or v128) initialized to value's bits.
std::vector<uint8_t> GlobalConstantModule(const GlobalType& type, const Value& value);

}  // namespace capsule::internal
