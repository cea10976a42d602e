// A shared library opened on first use (dlopen), so that a process loads hiredis, cnats or libmosquitto (and
// everything they pull in: TLS, ...) only when a module or a runner really uses them: a CLI run
// that needs none of them starts in a fraction of the time.
#pragma once

#include <mutex>
#include <string>

#include "capsule/result.h"

namespace capsule::host {

// One library, by soname ("libnats.so.3.4"). Thread-safe.
class LazyLibrary {
 public:
  explicit LazyLibrary(const char* soname) : soname_(soname) {}

  // Opens the library (once) and looks up symbol. Errors: kNotFound naming the library and the loader's reason, or
  // the missing symbol.
  Result<void*> Symbol(const char* name);

 private:
  const char* soname_;
  std::once_flag once_;
  void* handle_ = nullptr;
  std::string error_;
};

// Points fn at the library's symbol name. Errors: as LazyLibrary::Symbol.
template <class F>
Status Bind(LazyLibrary& library, const char* name, F*& fn) {
  auto symbol = library.Symbol(name);
  if (!symbol) return symbol.take_error();
  fn = reinterpret_cast<F*>(*symbol);
  return Status::Ok();
}

}  // namespace capsule::host
