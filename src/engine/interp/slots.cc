#include "engine/interp/slots.h"

#include <cstring>

#include "engine/interp/code.h"

namespace capsule::internal::interp {

size_t FrameBytes(const std::vector<ValType>& types) {
  size_t n = 0;
  for (ValType t : types) n += SlotSize(t);
  return n;
}

FuncEntity* EntityOf(const Value& v, const ContextLife* life, bool& ok) {
  if (!v.funcref()) return nullptr;
  const auto* entity = dynamic_cast<const FuncEntity*>(v.funcref());
  if (!entity || entity->instance->life != life) {
    ok = false;
    return nullptr;
  }
  return const_cast<FuncEntity*>(entity);
}

const Function* HandOut(FuncEntity* entity) {
  if (entity) entity->instance->escaped = true;
  return entity;
}

void ToSlot(const Value& v, uint8_t* slot) {
  switch (v.type) {
    case ValType::kI32:
    case ValType::kF32: {
      uint32_t bits;
      std::memcpy(&bits, &v.of, 4);
      Store<uint64_t>(slot, bits);
      break;
    }
    case ValType::kV128: std::memcpy(slot, &v.of.v128, 16); break;
    case ValType::kFuncRef:
      Store<uint64_t>(slot, reinterpret_cast<uintptr_t>(static_cast<const FuncEntity*>(v.funcref())));
      break;
    default: std::memcpy(slot, &v.of, 8); break;  // i64, f64, externref
  }
}

Value FromSlot(ValType t, const uint8_t* slot) {
  Value v;
  v.type = t;
  switch (t) {
    case ValType::kI32:
    case ValType::kF32:
      v.of.i64 = 0;
      std::memcpy(&v.of, slot, 4);
      break;
    case ValType::kV128: std::memcpy(&v.of.v128, slot, 16); break;
    case ValType::kFuncRef:
      v.of.funcref = HandOut(reinterpret_cast<FuncEntity*>(static_cast<uintptr_t>(Load<uint64_t>(slot))));
      break;
    default: std::memcpy(&v.of, slot, 8); break;  // i64, f64, externref
  }
  return v;
}

}  // namespace capsule::internal::interp
