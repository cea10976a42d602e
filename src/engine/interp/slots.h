// Values between the API (capsule::Value) and the interpreter's storage (frame slots, table elements, global
// cells): every type bit for bit, a funcref as its FuncEntity* (0 is null), an externref as the host's pointer.
#pragma once

#include <cstdint>
#include <vector>

#include "capsule/values.h"
#include "engine/interp/runtime.h"

namespace capsule::internal::interp {

// The bytes a value of type t takes in a frame: 16 for a v128, 8 for the others.
inline uint32_t SlotSize(ValType t) {
  return t == ValType::kV128 ? 16 : 8;
}
// The bytes of frame that values of these types take.
size_t FrameBytes(const std::vector<ValType>& types);

// The function a funcref value points to when it is one of life's context (nullptr for null); sets ok to false
// when it is a function of another context or backend.
FuncEntity* EntityOf(const Value& v, const ContextLife* life, bool& ok);

// Whether v can be stored in life's context: not a funcref, or null, or a function of that context.
inline bool Storable(const Value& v, const ContextLife* life) {
  bool ok = true;
  if (v.type == ValType::kFuncRef) EntityOf(v, life, ok);
  return ok;
}

// Writes v into slot (SlotSize(v.type) bytes). A funcref must be Storable (checked by the caller).
void ToSlot(const Value& v, uint8_t* slot);

// The value of type t in slot. A funcref handed out this way marks its instance as escaped (InstanceState).
Value FromSlot(ValType t, const uint8_t* slot);

// The funcref of an entity, for the host: marks its instance as escaped.
const Function* HandOut(FuncEntity* entity);

}  // namespace capsule::internal::interp
