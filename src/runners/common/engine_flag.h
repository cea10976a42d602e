// --engine=auto|interp|v8, the same on every runner: which engine backend runs the module. auto (the default, or the
// environment variable CAPSULE_ENGINE when it is set) takes interp, our own interpreter that starts in microseconds,
// and V8 only for a module interp cannot run (saying so once on stderr); v8 is the fast path for heavy compute.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "capsule/engine.h"
#include "runners/common/flags.h"

namespace capsule::runners {

// The flag's value, as given.
struct EngineFlag {
  std::string value;  // auto, interp or v8

  // Adds --engine to flags, its default CAPSULE_ENGINE or "auto".
  void Register(FlagSet& flags);
  // kInvalidArgument unless the value is auto, interp or v8 (a usage error: check it right after parsing).
  Status Check() const;
};

// An engine and the module compiled on it (and the context that compiled it, when asked for one).
struct CompiledModule {
  std::shared_ptr<Engine> engine;
  std::unique_ptr<Context> context;
  std::shared_ptr<const Module> module;
};

// Creates the engine `choice` names and compiles wasm on it; with_context: in a new Context, returned too (cheaper
// for a runner that needs just one: V8 then makes no compile isolate). auto: interp, else (interp unavailable, or
// refusing the module while V8 accepts it) V8, printing "<program>: note: ..." on stderr when a module made the choice.
// Errors: kInvalidArgument for an unknown choice, the engine's or the compiler's error otherwise.
Result<CompiledModule> CompileOnEngine(const std::string& choice, std::span<const uint8_t> wasm,
                                       const CompileOptions& options, const std::string& program,
                                       bool with_context = false);

}  // namespace capsule::runners
