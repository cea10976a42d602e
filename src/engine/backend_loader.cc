#include "engine/backend_loader.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace capsule::internal {

#ifdef CAPSULE_WITH_V8
namespace {

namespace fs = std::filesystem;

using CreateFn = void (*)(const EngineOptions*, Result<std::shared_ptr<Engine>>*);

// The places libcapsule_v8.so may be, best first.
std::vector<std::string> Candidates() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("CAPSULE_V8_LIBRARY"); env && *env) out.emplace_back(env);
#ifdef CAPSULE_V8_BUILD_LIBRARY
  out.emplace_back(CAPSULE_V8_BUILD_LIBRARY);
#endif
  char self[PATH_MAX];
  if (const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1); n > 0) {
    self[n] = 0;
    out.push_back((fs::path(self).parent_path().parent_path() / "lib" / "capsule" / "libcapsule_v8.so").string());
  }
#ifdef CAPSULE_V8_INSTALL_LIBRARY
  out.emplace_back(CAPSULE_V8_INSTALL_LIBRARY);
#endif
  out.emplace_back("libcapsule_v8.so");
  return out;
}

}  // namespace
#endif

Result<std::shared_ptr<Engine>> LoadV8Engine(const EngineOptions& options) {
#ifndef CAPSULE_WITH_V8
  (void)options;
  return Fail(ErrorCode::kNotFound, "this build has no V8 backend (built with -DCAPSULE_WITH_V8=OFF): use interp");
#else
  static std::once_flag once;
  static CreateFn create = nullptr;
  static std::string* failure = nullptr;  // never destroyed: read by every later call
  std::call_once(once, [] {
    std::string tried;
    for (const std::string& path : Candidates()) {
      const bool bare = path.find('/') == std::string::npos;
      std::error_code ec;
      if (!bare && !fs::exists(path, ec)) {
        tried += "\n  " + path + ": no such file";
        continue;
      }
      void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!library) {
        tried += "\n  " + path + ": " + ::dlerror();
        continue;
      }
      create = reinterpret_cast<CreateFn>(::dlsym(library, "capsule_v8_create_engine"));
      if (!create) failure = new std::string(path + " has no capsule_v8_create_engine");
      return;
    }
    failure = new std::string("cannot load the V8 backend (libcapsule_v8.so); tried:" + tried);
  });
  if (!create)
    return Fail(failure && failure->find("has no") != std::string::npos ? ErrorCode::kInternal : ErrorCode::kNotFound,
                *failure);
  Result<std::shared_ptr<Engine>> engine = Fail(ErrorCode::kInternal, "the V8 backend created no engine");
  create(&options, &engine);
  return engine;
#endif
}

}  // namespace capsule::internal
