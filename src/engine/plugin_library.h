// The HDK's own shared libraries that are opened on first use (the V8 backend, the HTTP client), so that a process
// that never needs one never pays for loading it and what it pulls in (libnode, OpenSSL).
#pragma once

#include <mutex>
#include <string>

#include "capsule/result.h"

namespace capsule::internal {

// Where one plugin library may be and the entry point it must have.
struct PluginSpec {
  const char* what;          // for messages: "the V8 backend"
  const char* file_name;     // "libcapsule_v8.so"
  const char* env_var;       // a path that overrides every other place
  const char* build_path;    // the library in the build tree, or nullptr
  const char* install_path;  // the library under the install prefix, or nullptr
  const char* entry;         // the extern "C" symbol to look up
};

// Opens the first library found, in this order: $env_var, build_path, <executable>/../lib/capsule/file_name,
// install_path, then file_name on the dynamic loader's search path; returns its entry point. Errors: kNotFound naming
// every place tried and why each failed, kInternal when the library that opened lacks the entry point.
Result<void*> LoadPluginEntry(const PluginSpec& spec);

// One plugin, loaded (LoadPluginEntry) on the first call of entry() and kept, success or failure, for the process's
// life. Thread-safe; meant to be a function-local static.
class LazyPlugin {
 public:
  explicit LazyPlugin(PluginSpec spec) : spec_(spec) {}

  // The entry point, or the error of the one attempt to load it.
  const Result<void*>& entry();

 private:
  PluginSpec spec_;
  std::once_flag once_;
  const Result<void*>* entry_ = nullptr;  // never destroyed: read by calls during the process's exit too
};

}  // namespace capsule::internal
