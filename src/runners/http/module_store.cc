#include "runners/http/module_store.h"

namespace capsule::http {

Result<ModuleVersion> CompileModuleVersion(Engine& engine, const std::vector<uint8_t>& wasm,
                                           const CompileOptions& options, std::string source) {
  auto module = engine.Compile(wasm, options);
  if (!module) return module.take_error();
  auto abi = DetectAbi((*module)->info());
  if (!abi) return abi.take_error();
  const ModuleInfo& info = (*module)->info();
  if (!info.ExportsFunc("callHandleHTTP") && !info.ExportsFunc("callHandleHttp"))
    return Fail(ErrorCode::kNotFound, source + " exports no HTTP handler (callHandleHTTP or callHandleHttp)");
  ModuleVersion v;
  v.module = std::move(*module);
  v.abi = *abi;
  v.source = std::move(source);
  return v;
}

}  // namespace capsule::http
