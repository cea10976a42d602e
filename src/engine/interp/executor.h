// The Executor: runs translated code for one Context (one thread at a time). It owns the value stack (frames of
// 8-byte slots) and the call stack (return records), both fixed-size reservations whose exhaustion is the trap
// "call stack exhausted", as is a native stack that runs low through host re-entrancy.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "capsule/result.h"
#include "capsule/values.h"
#include "engine/interp/runtime.h"
#include "engine/interp/traps.h"

namespace capsule::internal::interp {

// Where a call returns to: the caller's next instruction, frame and instance. pc == nullptr returns to C++.
struct CallRecord {
  const uint32_t* pc;
  uint8_t* fp;
  InstanceState* inst;
};

// A stop request for the calls of one instance (interrupt or deadline), checked by guest code at calls and taken
// branches with one load. Thread-safe.
class StopSignal {
 public:
  // Marks the start / end of the instance's outermost call.
  void BeginCall() { running_call_.store(++last_call_, std::memory_order_release); }
  void EndCall() {
    running_call_.store(0, std::memory_order_release);
    flag_.store(0, std::memory_order_relaxed);
  }
  // Asks the running call (if any) to stop. Any thread.
  void Request() {
    const uint64_t call = running_call_.load(std::memory_order_acquire);
    if (call == 0) return;
    requested_call_.store(call, std::memory_order_release);
    flag_.store(1, std::memory_order_release);
  }
  // Whether the running call was asked to stop (a request for an earlier call does not count).
  bool Requested() const {
    const uint64_t call = running_call_.load(std::memory_order_acquire);
    return call != 0 && requested_call_.load(std::memory_order_acquire) == call;
  }
  // The executor's slow path once the flag is seen set: clears it, then decides.
  bool Confirm() {
    flag_.store(0, std::memory_order_relaxed);
    return Requested();
  }
  const std::atomic<uint32_t>* flag() const { return &flag_; }

 private:
  std::atomic<uint32_t> flag_{0};
  std::atomic<uint64_t> running_call_{0};
  std::atomic<uint64_t> requested_call_{0};
  uint64_t last_call_ = 0;  // the instance's thread only
};

class Executor {
 public:
  // guarded: memory bounds are checked by guard pages (InstallTrapHandler must have run), else explicitly.
  static Result<std::unique_ptr<Executor>> Create(bool guarded);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs f on args (typed as its signature, funcrefs of f's context: checked by the caller) and writes its results
  // (a funcref among them marks its instance as escaped, see InstanceState). stop is the signal of the outermost
  // call (nullptr keeps the current one, for re-entrant calls). Returns kOk or why it stopped; kHostError leaves the
  // host function's error in TakeHostError().
  TrapCode Invoke(const FuncEntity& f, std::span<const Value> args, std::span<Value> results, StopSignal* stop);

  // The error of the host function that failed the last call.
  Error TakeHostError();
  // How many Invoke calls are running (0 between calls).
  int depth() const { return depth_; }

  // ---- for the interpreter loop (executor.cc) ----
  // Calls host function f with the arguments in slots; writes its results there, after checking their types.
  // A host function of a destroyed instance fails without being called.
  TrapCode CallHost(const FuncEntity& f, uint8_t* slots);
  // Records the error of host function f (its name in front) for TakeHostError; returns kHostError.
  [[gnu::noinline]] TrapCode HostFailed(const FuncEntity& f, Error error);
  bool ShouldStop() { return stop_ && stop_->Confirm(); }

  uint8_t* stack_begin_ = nullptr;
  uint8_t* stack_end_ = nullptr;
  uint8_t* stack_top_ = nullptr;  // the first free slot above the frames in use
  CallRecord* calls_begin_ = nullptr;
  CallRecord* calls_end_ = nullptr;
  CallRecord* calls_top_ = nullptr;
  StopSignal* stop_ = nullptr;
  const std::atomic<uint32_t>* stop_flag_ = &kNeverStop;  // the flag of stop_

 private:
  static inline const std::atomic<uint32_t> kNeverStop{0};

  explicit Executor(bool guarded) : guarded_(guarded) {}
  bool guarded_;
  int depth_ = 0;
  std::optional<Error> host_error_;
};

// The executor's handler offsets, indexed by Op, for the compiler (guarded or explicitly checked memory).
const int32_t* HandlerOffsets(bool guarded);

}  // namespace capsule::internal::interp
