// The interpreter backend's engine and contexts ("interp"): our own WebAssembly 2.0 interpreter.
#pragma once

#include <memory>
#include <vector>

#include "capsule/engine.h"
#include "engine/deadline_watchdog.h"
#include "engine/interp/executor.h"
#include "engine/interp/runtime.h"

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

// A context: one Executor (stacks) for the instances it creates, and the objects of those instances that outlive them
// (see InstanceState::escaped).
class InterpContext : public Context {
 public:
  InterpContext(std::shared_ptr<InterpEngine> engine, std::unique_ptr<Executor> executor)
      : engine_(std::move(engine)), executor_(std::move(executor)) {}
  // Frees the states it kept; its objects that live on only fail from now on.
  ~InterpContext() override;

  Result<std::shared_ptr<const Module>> Compile(std::span<const uint8_t> wasm, const CompileOptions& options) override {
    return engine_->Compile(wasm, options);
  }
  Result<std::unique_ptr<Instance>> Instantiate(std::shared_ptr<const Module> module,
                                                std::shared_ptr<const Linker> linker, InstanceData data,
                                                const CallOptions& options) override;
  Result<std::shared_ptr<Memory>> NewMemory(const Limits& limits) override;
  Result<std::shared_ptr<Table>> NewTable(const TableType& type, const Value& init) override;
  Result<std::shared_ptr<Global>> NewGlobal(const GlobalType& type, const Value& value) override;

  InterpEngine& engine() { return *engine_; }
  Executor& executor() { return *executor_; }
  const std::shared_ptr<ContextLife>& life() const { return life_; }
  // Remembers a memory the host holds, to make it fail (size 0) once the context is gone.
  void Track(const std::shared_ptr<InterpMemory>& memory);
  // Keeps the state of a destroyed instance, whose functions, tables and globals may still be reached, until the
  // context dies.
  void Keep(std::unique_ptr<InstanceState> state) { kept_.push_back(std::move(state)); }
  // How many states of destroyed instances it keeps.
  size_t kept() const { return kept_.size(); }

 private:
  std::shared_ptr<InterpEngine> engine_;
  std::unique_ptr<Executor> executor_;
  std::shared_ptr<ContextLife> life_ = std::make_shared<ContextLife>();
  std::vector<std::weak_ptr<InterpMemory>> memories_;
  size_t prune_at_ = 64;  // dead entries of memories_ are dropped when it reaches this size
  std::vector<std::unique_ptr<InstanceState>> kept_;
};

// The process-wide interpreter engine; the first call's options win. trap_handler off (or a sanitizer build)
// checks memory bounds explicitly instead of with guard pages.
Result<std::shared_ptr<Engine>> CreateInterpEngine(const EngineOptions& options);

}  // namespace capsule::internal::interp
