// InterpInstance: an instance of an InterpModule. Instantiation (instantiate.cc) builds its InstanceState as the
// spec's instantiation does (imports, memory, tables, globals, element and data segments, start function); calls,
// exports and saved state are in instance.cc.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "capsule/engine.h"
#include "engine/interp/executor.h"
#include "engine/interp/runtime.h"

namespace capsule::internal::interp {

class InterpContext;

// The InterruptHandle of an instance: a StopSignal that outlives it.
class InterpInterrupt : public InterruptHandle {
 public:
  void Interrupt() override { signal.Request(); }
  StopSignal signal;
};

// An instance of an InterpModule in an InterpContext; its run-time state is an InstanceState.
class InterpInstance final : public Instance {
 public:
  // Instantiates module in context, binding its imports as linker resolves them and running its start function
  // under options. Errors: those of Context::Instantiate.
  static Result<std::unique_ptr<Instance>> Create(InterpContext& context, std::shared_ptr<const InterpModule> module,
                                                  std::shared_ptr<const Linker> linker, InstanceData data,
                                                  const CallOptions& options);
  // Hands the state to the context when anything of it may still be reached (InstanceState::escaped).
  ~InterpInstance() override;

  Result<Func> GetFunc(std::string_view name) override;
  Status Call(const Func& f, std::span<const Value> args, std::span<Value> results,
              const CallOptions& options) override;
  using Instance::Call;
  Memory* memory() override { return memory_; }
  Result<Extern> GetExport(std::string_view name) override;
  std::shared_ptr<InterruptHandle> interrupt_handle() override { return interrupt_; }
  bool stop_requested() const override { return interrupt_->signal.Requested(); }
  bool healthy() const override { return healthy_; }
  Status SaveState() override;
  Status RestoreState() override;

  // What host functions see as the caller's memory (nullptr without one).
  Memory* memory_view() { return memory_; }

 private:
  InterpInstance(InterpContext& context, std::shared_ptr<const InterpModule> module,
                 std::shared_ptr<const Linker> linker, InstanceData data);
  const ModuleDesc& desc() const { return state_->module->desc(); }

  // ---- instantiate.cc: the steps of instantiation, in order ----
  Status LinkImports();
  Status MakeDefined();  // the memory, tables and globals the module defines
  Status InitSegments();
  Status RunStart(const CallOptions& options);
  // The bits of a constant expression (a v128's low half; ConstExpr::hi is the rest).
  uint64_t Evaluate(const ConstExpr& e) const;

  // ---- calls (instance.cc) ----
  // Runs f on the context's executor; as the instance's outermost call, under options (deadline, interrupts).
  // Inline: the C++ -> wasm call path.
  TrapCode Run(const FuncEntity& f, std::span<const Value> args, std::span<Value> results, const CallOptions& options) {
    if (depth_ > 0) {  // re-entrant: the outermost call's signal and deadline hold
      depth_++;
      const TrapCode code = executor_.Invoke(f, args, results, nullptr);
      depth_--;
      return code;
    }
    interrupt_->signal.BeginCall();
    const uint64_t ticket =
        options.deadline == std::chrono::steady_clock::time_point::max() ? 0 : ArmDeadline(options.deadline);
    depth_++;
    const TrapCode code = executor_.Invoke(f, args, results, &interrupt_->signal);
    depth_--;
    if (ticket) CancelDeadline(ticket);
    interrupt_->signal.EndCall();
    return code;
  }
  // The watchdog's ticket for interrupting this instance at deadline; CancelDeadline disarms it.
  uint64_t ArmDeadline(std::chrono::steady_clock::time_point deadline);
  void CancelDeadline(uint64_t ticket);
  // The error of a call that stopped with code; the instance is not healthy any more.
  Error CallError(TrapCode code, std::string_view details = {});

  InterpContext& context_;
  Executor& executor_;                    // the context's
  std::shared_ptr<const Linker> linker_;  // owns the definitions of the host functions bound here
  std::unique_ptr<InstanceState> state_;
  Memory* memory_ = nullptr;     // what memory() returns: the memory, when exported or imported
  bool memory_tracked_ = false;  // the context knows the memory GetExport handed out
  std::shared_ptr<InterpInterrupt> interrupt_ = std::make_shared<InterpInterrupt>();
  std::optional<std::vector<GlobalCell>> saved_globals_;
  int depth_ = 0;
  bool healthy_ = true;
};

}  // namespace capsule::internal::interp
