// One module instance serving HTTP requests: its WASI context, its start (`_start`, then OnStart or legacy
// OnLoad), its handler calls, and its stop (OnStop or legacy OnExit). Used by one worker thread only.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "capsule/engine.h"
#include "capsule/http_abi.h"
#include "capsule/wasi.h"
#include "runners/http/module_store.h"

namespace capsule::http {

// Which guest entry a request goes to.
enum class Route { kHandler, kHealth, kMetrics };

// How a guest call ended, for the worker's bookkeeping.
enum class Outcome { kOk, kTrap, kTimeout };

// What every Guest shares: the linker (WASI + Capsule host functions) and the per-call time limit.
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

  // Serves one request on route. Never fails: guest failures become 500, timeouts 504; *outcome says whether the
  // instance may still be used (kOk) or must be discarded.
  HttpReply Serve(Route route, const HttpRequest& request, Outcome* outcome);

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
  CallOptions Options() const;
  Status CallHook(const char* name);

  std::shared_ptr<const ModuleVersion> version_;
  const GuestSettings* settings_ = nullptr;
  WasiOptions wasi_options_;
  std::unique_ptr<WasiContext> wasi_;
  bool saved_ = false;  // the instance's state after start was saved
  std::unique_ptr<Instance> instance_;
  uint32_t next_request_id_ = 1;
};

}  // namespace capsule::http
