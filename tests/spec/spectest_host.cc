// The spectest module, built on the public HDK API.
#include "spectest_host.h"

namespace capsule::spec {

Status DefineSpectest(Context& context, Linker& linker) {
  using enum ValType;
  const std::pair<const char*, std::vector<ValType>> prints[] = {
      {"print", {}},         {"print_i32", {kI32}},           {"print_i64", {kI64}},           {"print_f32", {kF32}},
      {"print_f64", {kF64}}, {"print_i32_f32", {kI32, kF32}}, {"print_f64_f64", {kF64, kF64}},
  };
  for (const auto& [name, params] : prints)
    linker.Define("spectest", name, FuncType{params, {}},
                  [](Caller&, std::span<const Value>, std::span<Value>) { return Status::Ok(); });

  const std::pair<const char*, Value> globals[] = {
      {"global_i32", Value::I32(666)},
      {"global_i64", Value::I64(666)},
      {"global_f32", Value::F32(666.6f)},
      {"global_f64", Value::F64(666.6)},
  };
  for (const auto& [name, value] : globals) {
    auto global = context.NewGlobal(GlobalType{value.type, false}, value);
    if (!global) return global.take_error();
    linker.Define("spectest", name, Extern(std::move(*global)));
  }
  auto table = context.NewTable(TableType{kFuncRef, Limits{10, 20}}, Value::FuncRef(nullptr));
  if (!table) return table.take_error();
  linker.Define("spectest", "table", Extern(std::move(*table)));
  auto memory = context.NewMemory(Limits{1, 2});
  if (!memory) return memory.take_error();
  linker.Define("spectest", "memory", Extern(std::move(*memory)));
  return Status::Ok();
}

}  // namespace capsule::spec
