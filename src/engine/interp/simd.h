// The SIMD instructions (0xfd prefix): what each one takes and gives, for the compiler, and its implementation on
// 16-byte slots, for the executor. Executed through one generic instruction per shape (Simd, SimdLoad, SimdStore,
// ops.def) that calls the instruction's function.
#pragma once

#include <cstdint>

#include "capsule/values.h"

namespace capsule::internal::interp {

// Computes one SIMD instruction. Register forms: dst = f(a, b, c, imm). Loads: dst = f(memory at a, the v128 b,
// lane imm). Stores: memory at dst = f(the v128 a, lane imm). Unused pointers may be anything.
using SimdFn = void (*)(uint8_t* dst, const uint8_t* a, const uint8_t* b, const uint8_t* c, uint32_t imm);

// How a SIMD instruction is encoded and typed.
struct SimdOp {
  enum class Kind : uint8_t {
    kRegister,  // operands and result in slots; imm is a lane index when lanes > 0
    kLoad,      // memarg (+ lane); reads `bytes` bytes
    kStore,     // memarg (+ lane); writes `bytes` bytes
    kConst,     // v128.const
    kShuffle,   // i8x16.shuffle
  };
  Kind kind = Kind::kRegister;
  SimdFn fn = nullptr;
  ValType in[3] = {ValType::kV128, ValType::kV128, ValType::kV128};
  uint8_t inputs = 0;
  ValType out = ValType::kV128;  // kRegister and kLoad
  bool has_result = true;
  uint8_t lanes = 0;  // a lane immediate follows, below this bound
  uint8_t bytes = 0;  // memory accesses: bytes accessed
  uint8_t align = 0;  // memory accesses: natural alignment (log2)
};

// The SIMD instruction 0xfd `op`, or nullptr when there is none.
const SimdOp* FindSimdOp(uint32_t op);

}  // namespace capsule::internal::interp
