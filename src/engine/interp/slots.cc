#include "engine/interp/slots.h"

namespace capsule::internal::interp {

FuncEntity* EntityOf(const Value& v, const ContextLife* life, bool& ok) {
  if (!v.funcref()) return nullptr;
  const auto* entity = dynamic_cast<const FuncEntity*>(v.funcref());
  if (!entity || entity->instance->life != life) {
    ok = false;
    return nullptr;
  }
  return const_cast<FuncEntity*>(entity);
}

}  // namespace capsule::internal::interp
