// The V8 backend's shared library entry point (libcapsule_v8.so): the one symbol the HDK looks up after loading it,
// so that a runner loads libnode only when it picks V8 (engine/backend_loader.cc).
#include "engine/v8/v8_engine.h"

extern "C" __attribute__((visibility("default"))) void capsule_v8_create_engine(
    const capsule::EngineOptions* options, capsule::Result<std::shared_ptr<capsule::Engine>>* out) {
  *out = capsule::internal::CreateV8Engine(*options);
}
