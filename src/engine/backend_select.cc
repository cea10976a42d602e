// Engine::Create: which backend a name (or CAPSULE_ENGINE, or the default) means. Part of the HDK only: the V8
// backend's own library does not pick backends.
#include <cstdlib>
#include <string>

#include "capsule/engine.h"
#include "engine/backend_loader.h"
#include "engine/interp/interp_engine.h"

namespace capsule {

const char* DefaultBackend() {
  return "interp";
}

Result<std::shared_ptr<Engine>> Engine::Create(const EngineOptions& options) {
  std::string backend = options.backend;
  if (backend.empty()) {
    const char* env = std::getenv("CAPSULE_ENGINE");
    backend = env && *env ? env : DefaultBackend();
  }
  if (backend == "interp") return internal::interp::CreateInterpEngine(options);
  if (backend == "v8") return internal::LoadV8Engine(options);
  return Fail(ErrorCode::kInvalidArgument, "unknown engine backend \"" + backend + "\" (available: interp, v8)");
}

}  // namespace capsule
