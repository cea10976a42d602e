// Loading an engine backend that lives in a shared library of its own (V8: libcapsule_v8.so, which pulls in
// libnode), on first use, so that a process that never picks it never pays for loading it.
#pragma once

#include <memory>

#include "capsule/engine.h"

namespace capsule::internal {

// The V8 engine from libcapsule_v8.so, loaded once per process. The library is looked for in this order: the
// environment variable CAPSULE_V8_LIBRARY, the build tree, <executable>/../lib/capsule/, the install prefix's
// lib/capsule/, then the dynamic loader's search path. Errors: kNotFound naming the places tried (or, in a build
// without V8, saying so), kInternal when the library lacks its entry point.
Result<std::shared_ptr<Engine>> LoadV8Engine(const EngineOptions& options);

}  // namespace capsule::internal
