// The helpers of capsule/module_info.h's types: names, lookups and the spec's limits matching.
#include "capsule/module_info.h"

namespace capsule {

const char* ExternKindName(ExternKind k) {
  switch (k) {
    case ExternKind::kFunc: return "func";
    case ExternKind::kTable: return "table";
    case ExternKind::kMemory: return "memory";
    case ExternKind::kGlobal: return "global";
    case ExternKind::kTag: return "tag";
  }
  return "?";
}

const ExportInfo* ModuleInfo::FindExport(std::string_view name) const {
  for (const auto& e : exports)
    if (e.name == name) return &e;
  return nullptr;
}

bool ModuleInfo::ExportsFunc(std::string_view name) const {
  const ExportInfo* e = FindExport(name);
  return e && e->kind == ExternKind::kFunc;
}

bool Limits::Matches(const Limits& wanted) const {
  if (min < wanted.min) return false;
  if (!wanted.max) return true;
  return max && *max <= *wanted.max;
}

std::string Limits::ToString() const {
  std::string s = std::to_string(min);
  if (max) s += ".." + std::to_string(*max);
  return s;
}

std::string GlobalType::ToString() const {
  return std::string(is_mutable ? "mut " : "") + ValTypeName(type);
}

std::string TableType::ToString() const {
  return std::string(ValTypeName(element)) + " " + limits.ToString();
}

}  // namespace capsule
