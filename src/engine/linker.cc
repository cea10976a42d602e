#include "capsule/linker.h"

namespace capsule {

void Linker::Define(std::string module, std::string name, FuncType type, HostFunc fn) {
  auto& list = by_name_[module][name];
  for (HostFuncDef* def : list)
    if (def->type == type) {
      def->fn = std::move(fn);
      return;
    }
  defs_.push_back(
      std::make_unique<HostFuncDef>(HostFuncDef{std::move(module), std::move(name), std::move(type), std::move(fn)}));
  list.push_back(defs_.back().get());
}

Result<const HostFuncDef*> Linker::Resolve(const ImportInfo& import) const {
  const std::vector<HostFuncDef*>* defs = nullptr;
  if (import.kind == ExternKind::kFunc) {
    if (auto m = by_name_.find(import.module); m != by_name_.end())
      if (auto n = m->second.find(import.name); n != m->second.end()) defs = &n->second;
  }
  if (defs)
    for (const HostFuncDef* def : *defs)
      if (def->type == import.func_type) return def;

  // Not bound: say why (only now are strings built).
  std::string what = "import \"" + import.module + "\".\"" + import.name + "\"";
  if (import.kind != ExternKind::kFunc)
    return Fail(ErrorCode::kLinkError,
                "unknown " + what + " (a " + ExternKindName(import.kind) + "; only function imports can be provided)");
  if (!defs)
    return Fail(ErrorCode::kLinkError,
                "unknown " + what + " " + import.func_type.ToString() + ": the host does not provide it");
  std::string offered;
  for (const HostFuncDef* def : *defs) offered += (offered.empty() ? "" : " or ") + def->type.ToString();
  return Fail(ErrorCode::kLinkError,
              what + " has signature " + import.func_type.ToString() + " but the host provides " + offered);
}

Status Linker::Check(const ModuleInfo& module) const {
  for (const ImportInfo& imp : module.imports) {
    auto def = Resolve(imp);
    if (!def) return def.take_error();
  }
  return Status::Ok();
}

}  // namespace capsule
