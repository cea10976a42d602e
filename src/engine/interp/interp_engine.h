// The interpreter backend's engine and contexts ("interp"): our own WebAssembly 2.0 interpreter.
#pragma once

#include <memory>

#include "capsule/engine.h"
#include "engine/deadline_watchdog.h"
#include "engine/interp/executor.h"

namespace capsule::internal::interp {

// The process-wide interpreter engine: compiles (decodes and validates) modules; its contexts run them.
class InterpEngine : public Engine, public std::enable_shared_from_this<InterpEngine> {
 public:
  explicit InterpEngine(bool guarded) : guarded_(guarded) {}
  Result<std::shared_ptr<const Module>> Compile(std::span<const uint8_t> wasm, const CompileOptions& options) override;
  Result<std::unique_ptr<Context>> NewContext() override;
  std::string_view name() const override { return "interp"; }

  DeadlineWatchdog& watchdog() { return watchdog_; }
  // Whether memory bounds are checked by guard pages and the fault handler.
  bool guarded() const { return guarded_; }

 private:
  bool guarded_;
  DeadlineWatchdog watchdog_;
};

// A context: one Executor (stacks) for the instances it creates.
class InterpContext : public Context {
 public:
  InterpContext(std::shared_ptr<InterpEngine> engine, std::unique_ptr<Executor> executor)
      : engine_(std::move(engine)), executor_(std::move(executor)) {}
  Result<std::shared_ptr<const Module>> Compile(std::span<const uint8_t> wasm, const CompileOptions& options) override {
    return engine_->Compile(wasm, options);
  }
  Result<std::unique_ptr<Instance>> Instantiate(std::shared_ptr<const Module> module,
                                                std::shared_ptr<const Linker> linker, InstanceData data) override;

 private:
  std::shared_ptr<InterpEngine> engine_;
  std::unique_ptr<Executor> executor_;
};

// The process-wide interpreter engine; the first call's options win. trap_handler off (or a sanitizer build)
// checks memory bounds explicitly instead of with guard pages.
Result<std::shared_ptr<Engine>> CreateInterpEngine(const EngineOptions& options);

}  // namespace capsule::internal::interp
