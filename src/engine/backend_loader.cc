#include "engine/backend_loader.h"

#include "engine/plugin_library.h"

namespace capsule::internal {

Result<std::shared_ptr<Engine>> LoadV8Engine(const EngineOptions& options) {
#ifndef CAPSULE_WITH_V8
  (void)options;
  return Fail(ErrorCode::kNotFound, "this build has no V8 backend (built with -DCAPSULE_WITH_V8=OFF): use interp");
#else
  using CreateFn = void (*)(const EngineOptions*, Result<std::shared_ptr<Engine>>*);
  static LazyPlugin plugin(PluginSpec{"the V8 backend", "libcapsule_v8.so", "CAPSULE_V8_LIBRARY",
#ifdef CAPSULE_V8_BUILD_LIBRARY
                                      CAPSULE_V8_BUILD_LIBRARY,
#else
                                      nullptr,
#endif
#ifdef CAPSULE_V8_INSTALL_LIBRARY
                                      CAPSULE_V8_INSTALL_LIBRARY,
#else
                                      nullptr,
#endif
                                      "capsule_v8_create_engine"});
  const Result<void*>& entry = plugin.entry();
  if (!entry) return entry.error();
  Result<std::shared_ptr<Engine>> engine = Fail(ErrorCode::kInternal, "the V8 backend created no engine");
  reinterpret_cast<CreateFn>(entry.value())(&options, &engine);
  return engine;
#endif
}

}  // namespace capsule::internal
