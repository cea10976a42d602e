#include "serve/module_store.h"

namespace capsule::serve {

Result<ModuleVersion> CompileModuleVersion(Engine& engine, const std::vector<uint8_t>& wasm,
                                           const CompileOptions& options, std::string source, const Entries& entries) {
  auto module = engine.Compile(wasm, options);
  if (!module) return module.take_error();
  return MakeModuleVersion(std::move(*module), std::move(source), entries);
}

Result<ModuleVersion> MakeModuleVersion(std::shared_ptr<const Module> module, std::string source,
                                        const Entries& entries) {
  auto abi = DetectAbi(module->info());
  if (!abi) return abi.take_error();
  const ModuleInfo& info = module->info();
  bool served = false;
  std::string names;
  for (std::string_view name : entries.names) {
    served = served || info.ExportsFunc(name);
    names += names.empty() ? "" : " or ";
    names += name;
  }
  if (!served)
    return Fail(ErrorCode::kNotFound, source + " exports no " + std::string(entries.what) + " handler (" + names + ")");
  ModuleVersion v;
  v.module = std::move(module);
  v.abi = *abi;
  v.source = std::move(source);
  return v;
}

}  // namespace capsule::serve
