#include "runners/common/engine_flag.h"

#include <cstdio>
#include <cstdlib>

namespace capsule::runners {
namespace {

Result<CompiledModule> CompileOn(const std::string& backend, std::span<const uint8_t> wasm,
                                 const CompileOptions& options, bool with_context) {
  EngineOptions engine_options;
  engine_options.backend = backend;
  auto engine = Engine::Create(engine_options);
  if (!engine) return engine.take_error();
  CompiledModule out{*engine, nullptr, nullptr};
  if (with_context) {
    auto context = out.engine->NewContext();
    if (!context) return context.take_error();
    out.context = std::move(*context);
  }
  auto module = with_context ? out.context->Compile(wasm, options) : out.engine->Compile(wasm, options);
  if (!module) return module.take_error();
  out.module = std::move(*module);
  return out;
}

}  // namespace

void EngineFlag::Register(FlagSet& flags) {
  const char* env = std::getenv("CAPSULE_ENGINE");
  value = env && *env ? env : "auto";
  flags.String("engine", &value,
               "the engine: auto (interp, or V8 for a module interp cannot run), interp (our interpreter: fast "
               "start, small), v8 (fastest for heavy compute); default: $CAPSULE_ENGINE, else auto",
               "auto|interp|v8");
}

Status EngineFlag::Check() const {
  if (value == "auto" || value == "interp" || value == "v8") return Status::Ok();
  return Fail(ErrorCode::kInvalidArgument, "--engine must be auto, interp or v8, got \"" + value + "\"");
}

Result<CompiledModule> CompileOnEngine(const std::string& choice, std::span<const uint8_t> wasm,
                                       const CompileOptions& options, const std::string& program, bool with_context) {
  if (choice == "interp" || choice == "v8") return CompileOn(choice, wasm, options, with_context);
  if (choice != "auto")
    return Fail(ErrorCode::kInvalidArgument, "--engine must be auto, interp or v8, got \"" + choice + "\"");
  auto interp = CompileOn("interp", wasm, options, with_context);
  if (interp) return interp;
  if (interp.error().code != ErrorCode::kInvalidModule)  // no interp in this build
    return CompileOn("v8", wasm, options, with_context);
  auto v8 = CompileOn("v8", wasm, options, with_context);
  if (!v8) return interp;  // neither runs it: interp's reason
  std::fprintf(stderr, "%s: note: the interp engine cannot run this module (%s): using V8\n", program.c_str(),
               interp.error().message.c_str());
  return v8;
}

}  // namespace capsule::runners
