// Capsule's flags naming the module a runner serves (--wasm, --url, --authHeaderName, --authHeaderValue), shared
// by every runner.
#pragma once

#include <string>

#include "capsule/loader.h"
#include "runners/common/flags.h"

namespace capsule::runners {

// The flag values, as given.
struct ModuleSourceFlags {
  std::string wasm;
  std::string url;
  std::string auth_header_name;
  std::string auth_header_value;

  // Adds the four flags to flags, bound to the fields above.
  void Register(FlagSet& flags);
  // Whether --wasm or --url was given.
  bool given() const { return !wasm.empty() || !url.empty(); }
  // Where to load the module from (LoadModule).
  ModuleSource ToSource() const { return ModuleSource{wasm, url, auth_header_name, auth_header_value}; }
  // The name to show for the module: the file, else the URL.
  const std::string& name() const { return wasm.empty() ? url : wasm; }
};

}  // namespace capsule::runners
