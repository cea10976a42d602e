// The Linker: host functions by name and signature, objects by name, and the spec's import matching.
#include "capsule/linker.h"

#include "capsule/engine.h"

namespace capsule {
namespace {

std::string Quoted(const ImportInfo& import) {
  return "import \"" + import.module + "\".\"" + import.name + "\"";
}

// "func (i32) -> ()", "memory 1..2", "table funcref 10..20", "global mut i32": what an import asks for.
std::string DescribeWanted(const ImportInfo& import) {
  std::string kind = ExternKindName(import.kind);
  switch (import.kind) {
    case ExternKind::kFunc: return kind + " " + import.func_type.ToString();
    case ExternKind::kTable: return kind + " " + TableType{import.element, import.limits}.ToString();
    case ExternKind::kMemory: return kind + " " + import.limits.ToString();
    case ExternKind::kGlobal: return kind + " " + import.global.ToString();
    case ExternKind::kTag: return kind;
  }
  return kind;
}

// The same for an object, with its current type.
std::string DescribeObject(const Extern& object) {
  std::string kind = ExternKindName(object.kind());
  switch (object.kind()) {
    case ExternKind::kFunc: return kind + " " + object.function()->type().ToString();
    case ExternKind::kTable: return kind + " " + object.table()->type().ToString();
    case ExternKind::kMemory: return kind + " " + object.memory()->limits().ToString();
    case ExternKind::kGlobal: return kind + " " + object.global()->type().ToString();
    case ExternKind::kTag: return kind;
  }
  return kind;
}

bool IsEmpty(const Extern& object) {
  switch (object.kind()) {
    case ExternKind::kFunc: return object.function() == nullptr;
    case ExternKind::kTable: return object.table() == nullptr;
    case ExternKind::kMemory: return object.memory() == nullptr;
    case ExternKind::kGlobal: return object.global() == nullptr;
    case ExternKind::kTag: return true;
  }
  return true;
}

// Whether object may be imported where import is declared (the spec's extern type matching).
bool Matches(const ImportInfo& import, const Extern& object) {
  if (object.kind() != import.kind) return false;
  switch (import.kind) {
    case ExternKind::kFunc: return object.function()->type() == import.func_type;
    case ExternKind::kTable: {
      const TableType type = object.table()->type();
      return type.element == import.element && type.limits.Matches(import.limits);
    }
    case ExternKind::kMemory: return object.memory()->limits().Matches(import.limits);
    case ExternKind::kGlobal: return object.global()->type() == import.global;
    case ExternKind::kTag: return false;
  }
  return false;
}

Error Incompatible(const ImportInfo& import, const std::string& offered) {
  return Fail(ErrorCode::kLinkError, "incompatible import type: " + Quoted(import) + " is a " + DescribeWanted(import) +
                                         " but the host provides " + offered);
}

}  // namespace

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

void Linker::Define(std::string module, std::string name, Extern object) {
  auto& names = objects_[std::move(module)];
  if (auto it = names.find(name); it != names.end())
    it->second = std::move(object);
  else
    names.emplace(std::move(name), std::move(object));
}

Status Linker::DefineInstance(const std::string& module, Instance& instance) {
  for (const ExportInfo& e : instance.module().exports()) {
    auto object = instance.GetExport(e.name);
    if (!object) return object.take_error();
    Define(module, e.name, std::move(*object));
  }
  return Status::Ok();
}

Result<Binding> Linker::Resolve(const ImportInfo& import) const {
  if (auto m = objects_.find(import.module); m != objects_.end())
    if (auto n = m->second.find(import.name); n != m->second.end()) {
      const Extern& object = n->second;
      if (IsEmpty(object))
        return Fail(ErrorCode::kLinkError, "unknown import: " + Quoted(import) + " is bound to no object");
      if (!Matches(import, object)) return Incompatible(import, DescribeObject(object));
      return Binding{nullptr, &object};
    }
  const std::vector<HostFuncDef*>* defs = nullptr;
  if (auto m = by_name_.find(import.module); m != by_name_.end())
    if (auto n = m->second.find(import.name); n != m->second.end()) defs = &n->second;
  if (defs && import.kind == ExternKind::kFunc)
    for (const HostFuncDef* def : *defs)
      if (def->type == import.func_type) return Binding{def, nullptr};

  // Not bound: say why (only now are strings built).
  if (!defs)
    return Fail(ErrorCode::kLinkError, "unknown import: " + Quoted(import) + " (" + DescribeWanted(import) +
                                           "): the host does not provide it");
  std::string offered;
  for (const HostFuncDef* def : *defs) offered += (offered.empty() ? "" : " or ") + def->type.ToString();
  return Incompatible(import, "a host function " + offered);
}

Status Linker::Check(const ModuleInfo& module) const {
  for (const ImportInfo& imp : module.imports) {
    auto binding = Resolve(imp);
    if (!binding) return binding.take_error();
  }
  return Status::Ok();
}

}  // namespace capsule
