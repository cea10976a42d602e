// Values between the API (capsule::Value) and the interpreter's storage (frame slots, table elements, global
// cells): every type bit for bit, a funcref as its FuncEntity* (0 is null), an externref as the host's pointer.
// Inline: calls and host calls convert every argument and result.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "capsule/values.h"
#include "engine/interp/code.h"
#include "engine/interp/runtime.h"

namespace capsule::internal::interp {

// The bytes a value of type t takes in a frame: 16 for a v128, 8 for the others.
inline uint32_t SlotSize(ValType t) {
  return t == ValType::kV128 ? 16 : 8;
}
// The bytes of frame that values of these types take.
inline size_t FrameBytes(const std::vector<ValType>& types) {
  size_t n = 0;
  for (ValType t : types) n += SlotSize(t);
  return n;
}

// The function a funcref value points to when it is one of life's context (nullptr for null); sets ok to false
// when it is a function of another context or backend.
FuncEntity* EntityOf(const Value& v, const ContextLife* life, bool& ok);

// Whether v can be stored in life's context: not a funcref, or null, or a function of that context.
inline bool Storable(const Value& v, const ContextLife* life) {
  bool ok = true;
  if (v.type == ValType::kFuncRef && v.funcref()) EntityOf(v, life, ok);
  return ok;
}

// The funcref of an entity, for the host: marks its instance as escaped.
inline const Function* HandOut(FuncEntity* entity) {
  if (entity) entity->instance->escaped = true;
  return entity;
}

// The bits of a reference value in a slot or table element. A funcref must be Storable (checked by the caller).
inline uint64_t RefBits(const Value& v) {
  return v.type == ValType::kFuncRef ? reinterpret_cast<uintptr_t>(static_cast<const FuncEntity*>(v.funcref()))
                                     : reinterpret_cast<uintptr_t>(v.externref());
}

// Writes v into slot (SlotSize(v.type) bytes). A funcref must be Storable (checked by the caller).
inline void ToSlot(const Value& v, uint8_t* slot) {
  switch (v.type) {
    case ValType::kI32:
    case ValType::kF32: Store<uint64_t>(slot, v.u32()); break;
    case ValType::kV128: std::memcpy(slot, &v.of.v128, 16); break;
    case ValType::kFuncRef: Store<uint64_t>(slot, RefBits(v)); break;
    default: std::memcpy(slot, &v.of, 8); break;  // i64, f64, externref
  }
}

// The value of type t in slot. A funcref handed out this way marks its instance as escaped (InstanceState).
inline Value FromSlot(ValType t, const uint8_t* slot) {
  Value v;
  v.type = t;
  switch (t) {
    case ValType::kV128: std::memcpy(&v.of.v128, slot, 16); break;
    case ValType::kFuncRef:
      v.of.funcref = HandOut(reinterpret_cast<FuncEntity*>(static_cast<uintptr_t>(Load<uint64_t>(slot))));
      break;
    default: std::memcpy(&v.of, slot, 8); break;  // the bits: i32 and f32 in the low half
  }
  return v;
}

}  // namespace capsule::internal::interp
