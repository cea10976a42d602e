// libFuzzer target of the interpreter: decodes and validates the input as a module, instantiates it with a stub
// for every function import (its start function under a short deadline), and calls every export with zero
// arguments under a short deadline. A crash, a sanitizer report or a hang is a bug; errors are not. Build:
// CC=clang CXX=clang++ with -DCAPSULE_FUZZ=ON (target interp_fuzz); run: interp_fuzz CORPUS_DIR (seed it with .wasm
// files, e.g. the spec tests').
#include <chrono>
#include <cstdint>
#include <memory>

#include "capsule/engine.h"
#include "engine/interp/interp_engine.h"

namespace {

capsule::Engine& TheEngine() {
  // Explicit bounds checks: the fuzzer's sanitizers own SIGSEGV.
  static auto* engine = new std::shared_ptr<capsule::Engine>(
      *capsule::internal::interp::CreateInterpEngine({.backend = "interp", .trap_handler = false}));
  return **engine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace capsule;
  auto module = TheEngine().Compile(std::span<const uint8_t>(data, size));
  if (!module) return 0;
  auto context = TheEngine().NewContext();
  if (!context) return 0;
  auto linker = std::make_shared<Linker>();
  for (const ImportInfo& imp : (*module)->imports())
    if (imp.kind == ExternKind::kFunc)
      linker->Define(imp.module, imp.name, imp.func_type, [](Caller&, std::span<const Value>, std::span<Value> r) {
        for (Value& v : r) v = Value::Default(v.type);
        return Status::Ok();
      });
  CallOptions start;
  start.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
  auto instance = (*context)->Instantiate(*module, linker, {}, start);
  if (!instance) return 0;
  for (const ExportInfo& e : (*module)->exports()) {
    if (e.kind != ExternKind::kFunc) continue;
    auto f = (*instance)->GetFunc(e.name);
    if (!f) continue;
    std::vector<Value> args, results(f->type->results.size());
    for (ValType t : f->type->params) args.push_back(Value::Default(t));
    CallOptions options;
    options.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    (void)(*instance)->Call(*f, args, results, options);
  }
  return 0;
}
