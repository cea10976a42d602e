// The compiled form of a function: a stream of 32-bit units. Each instruction is its handler's offset (from the
// executor's base label, for threaded dispatch) followed by its operands; see ops.def for each one's operands.
//
// Frames: every wasm local and operand-stack position has a fixed 8-byte slot in the function's frame:
//   [params][other locals][operand stack ...]
// A call passes its arguments in the caller's topmost slots, which become the callee's first slots (no copy);
// results come back in the same place.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace capsule::internal::interp {

enum class Op : uint16_t {
#define OP(name) k##name,
#include "engine/interp/ops.def"
#undef OP
  kCount
};

constexpr uint32_t kSlotBytes = 8;

// A translated function. Immutable once published.
struct FunctionCode {
  std::vector<uint32_t> code;
  uint32_t frame_bytes = 0;  // every slot the function uses, from its first parameter
  uint32_t param_bytes = 0;
  uint32_t local_bytes = 0;  // the non-parameter locals, zeroed on entry
};

// The 16 bytes of a v128, as one value to load and store.
struct V128Bits {
  uint64_t lo, hi;
};

// Reads and writes of values at unaligned addresses (frames and linear memory), without aliasing issues.
template <class T>
inline T Load(const void* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class T>
inline void Store(void* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

}  // namespace capsule::internal::interp
