// InterpInstance: an instance of an InterpModule: its memory, tables, globals and function entities, built by
// Instantiate as the spec's instantiation does (imports, globals, element and data segments, start function).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "capsule/engine.h"
#include "engine/interp/executor.h"
#include "engine/interp/linear_memory.h"
#include "engine/interp/runtime.h"

namespace capsule::internal::interp {

class InterpEngine;

// The host's view of a LinearMemory (capsule::Memory).
class MemoryView : public Memory {
 public:
  explicit MemoryView(LinearMemory* memory) : memory_(memory) {}

 protected:
  void Refresh(uint8_t*& base, size_t& size) override {
    base = memory_->base();
    size = memory_->size();
  }

 private:
  LinearMemory* memory_;
};

// The InterruptHandle of an instance: a StopSignal that outlives it.
class InterpInterrupt : public InterruptHandle {
 public:
  void Interrupt() override { signal.Request(); }
  StopSignal signal;
};

class InterpInstance : public Instance {
 public:
  // Instantiates module with linker's host functions, running its start function on executor. Errors:
  // kLinkError, kTrap (segments out of bounds, a trapping start function), kResourceLimit.
  static Result<std::unique_ptr<Instance>> Create(InterpEngine& engine, Executor& executor,
                                                  std::shared_ptr<const InterpModule> module,
                                                  std::shared_ptr<const Linker> linker, InstanceData data);
  ~InterpInstance() override;

  Result<Func> GetFunc(std::string_view name) override;
  Status Call(const Func& f, std::span<const Value> args, std::span<Value> results,
              const CallOptions& options) override;
  using Instance::Call;
  Memory* memory() override { return exported_memory_ ? view_.get() : nullptr; }
  std::shared_ptr<InterruptHandle> interrupt_handle() override { return interrupt_; }
  bool stop_requested() const override { return interrupt_->signal.Requested(); }
  bool healthy() const override { return healthy_; }
  Status SaveState() override;
  Status RestoreState() override;

  // What host functions see as the caller's memory (nullptr without one).
  Memory* memory_view() { return memory(); }

 private:
  InterpInstance(InterpEngine& engine, Executor& executor, std::shared_ptr<const InterpModule> module,
                 std::shared_ptr<const Linker> linker, InstanceData data);
  Status Init();
  Status InitGlobals();
  Status InitSegments();
  uint64_t Evaluate(const ConstExpr& e) const;
  Error CallError(TrapCode code);

  InterpEngine& engine_;
  Executor& executor_;
  const InterpModule& module_desc_owner_;
  std::shared_ptr<const Linker> linker_;
  InstanceState state_;
  std::vector<std::unique_ptr<FuncEntity>> entities_;
  std::vector<FuncEntity*> funcs_;
  std::vector<GlobalCell> cells_;
  std::vector<GlobalCell*> globals_;
  std::vector<std::unique_ptr<TableInstance>> tables_;
  std::vector<TableInstance*> table_ptrs_;
  std::unique_ptr<LinearMemory> memory_;
  std::unique_ptr<MemoryView> view_;
  bool exported_memory_ = false;
  std::shared_ptr<InterpInterrupt> interrupt_ = std::make_shared<InterpInterrupt>();
  std::optional<std::vector<GlobalCell>> saved_globals_;
  int depth_ = 0;
  bool healthy_ = true;
};

}  // namespace capsule::internal::interp
