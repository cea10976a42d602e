// The V8 backend's entry point, without V8's headers (only v8_engine.cc and v8_instance.cc include v8.h).
#pragma once

#include <memory>

#include "capsule/engine.h"

namespace capsule::internal {

// The process-wide V8 engine. V8 is initialized once; the first call's options win.
Result<std::shared_ptr<Engine>> CreateV8Engine(const EngineOptions& options);

}  // namespace capsule::internal
