// One started module instance of a long-running runner: its WASI context, its start (`_start`, then OnStart or
// legacy OnLoad), its stop (OnStop or legacy OnExit) and its recycling. The runner's trigger (an HTTP request, a
// message) calls the instance through it. Used by one worker thread only.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsule/engine.h"
#include "capsule/wasi.h"
#include "serve/module_store.h"

namespace capsule::serve {

// How a guest call ended, for the worker's bookkeeping.
enum class Outcome {
  kOk,       // answered (a guest-level failure included): the instance may serve again
  kTrap,     // trapped, exited or broke the ABI: the instance is discarded
  kTimeout,  // interrupted by --timeout: the instance is discarded
};

// What every Guest shares: the linker (WASI + host functions) and the per-call time limit.
struct GuestSettings {
  std::shared_ptr<const Linker> linker;
  std::optional<std::chrono::milliseconds> timeout;  // per call; none when unset
  std::string timeout_text;                          // the flag's text, for messages
  std::vector<WasiOptions::Preopen> preopens;        // directories the guest sees through WASI (--dir)
  bool recycle = false;  // save each new instance's state after its start, so that Recycle() can restore it
};

// A started instance of one ModuleVersion with its own WASI context.
class Guest {
 public:
  // Instantiates version in context with a fresh WASI context and starts it. Errors: link errors, a trapping or
  // exiting `_start` / OnStart, each with a message naming the step.
  static Result<std::unique_ptr<Guest>> Create(Context& context, std::shared_ptr<const ModuleVersion> version,
                                               const GuestSettings& settings);
  ~Guest();

  // The instance, to call its handlers.
  Instance& instance() { return *instance_; }
  // Options for one call from now: the --timeout deadline.
  CallOptions call_options() const;
  // The settings the guest was created with.
  const GuestSettings& settings() const { return *settings_; }
  // A number for the next request, unique for this instance since its creation or last Recycle (legacy modules
  // fetch their HTTP request by it).
  uint32_t NextRequestId() { return next_request_id_++; }

  // Calls OnStop (current) or OnExit (legacy) when exported, ignoring its errors.
  void Stop();

  // Makes this guest as it was right after its start (memory, globals, a new WASI context), for the next request
  // of --fresh-instance: much cheaper than a new instance. False when that is impossible (settings.recycle was
  // off, the module's state cannot be restored, or the memory grew); then the guest must be replaced.
  bool Recycle();

  // The module version this instance runs.
  const ModuleVersion* version() const { return version_.get(); }
  // Interrupts this guest's running call from any thread.
  std::shared_ptr<InterruptHandle> interrupt_handle() { return instance_->interrupt_handle(); }
  // False once the engine says the instance is unusable (after an interrupt or an engine failure).
  bool healthy() const { return instance_->healthy(); }

 private:
  Guest() = default;
  Status CallHook(const char* name);

  std::shared_ptr<const ModuleVersion> version_;
  const GuestSettings* settings_ = nullptr;
  WasiOptions wasi_options_;
  std::unique_ptr<WasiContext> wasi_;
  bool saved_ = false;  // the instance's state after start was saved
  std::unique_ptr<Instance> instance_;
  uint32_t next_request_id_ = 1;
};

}  // namespace capsule::serve
