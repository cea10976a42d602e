#include "host/lazy_library.h"

#include <dlfcn.h>

namespace capsule::host {

Result<void*> LazyLibrary::Symbol(const char* name) {
  std::call_once(once_, [this] {
    handle_ = ::dlopen(soname_, RTLD_NOW | RTLD_GLOBAL);
    if (!handle_) error_ = std::string("cannot load ") + soname_ + ": " + ::dlerror();
  });
  if (!handle_) return Fail(ErrorCode::kNotFound, error_);
  void* symbol = ::dlsym(handle_, name);
  if (!symbol) return Fail(ErrorCode::kNotFound, std::string(soname_) + " has no " + name);
  return symbol;
}

}  // namespace capsule::host
