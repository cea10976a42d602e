// Types shared by the two files of the V8 backend (v8_engine.cc, v8_instance.cc). Includes v8.h: never include
// it from anywhere else.
#pragma once

#include <v8.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "capsule/engine.h"
#include "engine/deadline_watchdog.h"

namespace capsule::internal {

class V8Engine;
class V8Instance;
class PendingInterrupts;

// A compiled module: its parsed info plus V8's compiled native module, shareable across isolates.
class V8Module : public Module {
 public:
  V8Module(ModuleInfo info, v8::CompiledWasmModule compiled) : Module(std::move(info)), compiled_(compiled) {}
  const v8::CompiledWasmModule& compiled() const { return compiled_; }

 private:
  v8::CompiledWasmModule compiled_;
};

// A V8 isolate with one JS context, used by one thread at a time.
class V8Context : public Context {
 public:
  explicit V8Context(std::shared_ptr<V8Engine> engine);
  ~V8Context() override;

  Result<std::unique_ptr<Instance>> Instantiate(std::shared_ptr<const Module> module,
                                                std::shared_ptr<const Linker> linker, InstanceData data) override;

  v8::Isolate* isolate() const { return isolate_; }
  v8::Local<v8::Context> context() const { return context_.Get(isolate_); }
  const std::shared_ptr<PendingInterrupts>& pending_interrupts() const { return pending_interrupts_; }
  // Makes this isolate the calling thread's current one and leaves it entered between calls, which saves V8's
  // per-thread bookkeeping (a lock and several thread-local writes) on every call. No-op when already current.
  void MakeCurrent();
  // Undoes MakeCurrent if this context is the calling thread's current one.
  void LeaveCurrent();
  // Compiles in this context's isolate and caches the module object for instantiation here.
  Result<std::shared_ptr<const Module>> Compile(std::span<const uint8_t> wasm, const CompileOptions& options) override;
  V8Engine& engine() { return *engine_; }

 private:
  // The module object of module in this isolate, created once from the shared compiled code.
  v8::MaybeLocal<v8::WasmModuleObject> ModuleObject(const std::shared_ptr<const V8Module>& module);

  std::shared_ptr<V8Engine> engine_;
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  v8::Global<v8::Context> context_;
  v8::Global<v8::Function> instance_constructor_;
  struct CachedModule {
    std::shared_ptr<const V8Module> module;
    v8::Global<v8::WasmModuleObject> object;
  };
  std::map<const V8Module*, CachedModule> modules_;
  std::optional<v8::HandleScope> base_scope_;              // open while this context is current (see MakeCurrent)
  std::shared_ptr<PendingInterrupts> pending_interrupts_;  // created with the isolate
};

// The process-wide engine: V8's platform, a private isolate for compilation, the deadline watchdog.
class V8Engine : public Engine, public std::enable_shared_from_this<V8Engine> {
 public:
  explicit V8Engine(const EngineOptions& options) : options_(options) {}
  Result<std::shared_ptr<const Module>> Compile(std::span<const uint8_t> wasm, const CompileOptions& options) override;
  Result<std::unique_ptr<Context>> NewContext() override;
  std::string_view name() const override { return "v8"; }

  DeadlineWatchdog& watchdog() { return watchdog_; }
  // Creates an isolate with the engine's settings; the caller owns it and disposes it.
  v8::Isolate* NewIsolate(v8::ArrayBuffer::Allocator* allocator);

 private:
  EngineOptions options_;
  std::mutex compile_mu_;
  std::unique_ptr<v8::ArrayBuffer::Allocator> compile_allocator_;
  v8::Isolate* compile_isolate_ = nullptr;
  v8::Global<v8::Context> compile_context_;
  static constexpr int kCompilesPerGc = 32;
  static constexpr size_t kBytesPerGc = 8u << 20;
  int compiles_since_gc_ = 0;
  size_t bytes_since_gc_ = 0;
  DeadlineWatchdog watchdog_;
};

// The interrupt requests of one isolate that V8 has not run yet. V8 runs a request only when the isolate next
// executes code; those still queued when the isolate is disposed are freed here (they hold their V8InterruptState).
struct InterruptRequest;
class PendingInterrupts {
 public:
  ~PendingInterrupts() { DropAll(); }
  // Records a request just handed to V8.
  void Add(InterruptRequest* request);
  // Whether request was still pending; it is not any more.
  bool Remove(InterruptRequest* request);
  // Frees every pending request; for after the isolate's disposal.
  void DropAll();

 private:
  std::mutex mu_;
  std::vector<InterruptRequest*> requests_;
};

// Interruption state of one instance, shared with InterruptHandle holders and the watchdog. The hot path
// (BeginCall/EndCall, on the isolate's thread) takes no lock: Interrupt() only posts a V8 interrupt request, and
// the request, running on the isolate's thread, terminates execution only if the call it targeted still runs.
class V8InterruptState : public InterruptHandle, public std::enable_shared_from_this<V8InterruptState> {
 public:
  V8InterruptState(v8::Isolate* isolate, std::shared_ptr<PendingInterrupts> pending)
      : isolate_(isolate), pending_(std::move(pending)) {}
  void Interrupt() override;
  // Marks the start / end of the outermost call. EndCall returns whether an interrupt hit that call.
  void BeginCall();
  bool EndCall();
  // Called when the instance dies: later interrupts do nothing.
  void Detach();
  // Whether an interrupt was asked for the call running now (by the deadline watchdog or another thread). Any
  // thread.
  bool Requested() const {
    const uint64_t call = running_call_.load(std::memory_order_acquire);
    return call != 0 && requested_call_.load(std::memory_order_acquire) == call;
  }

 private:
  static void OnInterrupt(v8::Isolate* isolate, void* data);

  std::mutex mu_;  // guards isolate_ against Detach
  v8::Isolate* isolate_;
  std::shared_ptr<PendingInterrupts> pending_;
  std::atomic<uint64_t> running_call_{0};    // id of the running outermost call, 0 when idle
  std::atomic<uint64_t> requested_call_{0};  // id of the last call an interrupt was asked for
  uint64_t last_call_ = 0;                   // isolate thread only
  bool interrupted_ = false;                 // isolate thread only
};

// One interrupt asked of V8 for one call of one instance.
struct InterruptRequest {
  std::shared_ptr<V8InterruptState> state;
  uint64_t call;
};

// Counts the calls into guests running on the calling thread, for its lifetime. V8Context::MakeCurrent may switch
// the entered isolate only when none runs.
class ThreadCallDepth {
 public:
  ThreadCallDepth();
  ~ThreadCallDepth();
  static int Get();
};

// Linear memory of a V8 instance: re-reads the ArrayBuffer of the WebAssembly.Memory when stale.
class V8Memory : public Memory {
 public:
  V8Memory(v8::Isolate* isolate, v8::Local<v8::WasmMemoryObject> memory)
      : isolate_(isolate), memory_(isolate, memory) {}

 protected:
  void Refresh(uint8_t*& base, size_t& size) override;

 private:
  v8::Isolate* isolate_;
  v8::Global<v8::WasmMemoryObject> memory_;
};

// A host function bound to one instance: the data behind a V8 function's External.
struct V8HostBinding {
  V8Instance* instance;
  const HostFuncDef* def;
};

// An instance in a V8Context.
class V8Instance : public Instance {
 public:
  V8Instance(V8Context& context, std::shared_ptr<const Module> module, std::shared_ptr<const Linker> linker,
             InstanceData data);
  ~V8Instance() override;

  // Creates the host functions, instantiates, collects the exports.
  Status Init(v8::Local<v8::WasmModuleObject> module_object, v8::Local<v8::Function> instance_constructor);

  Result<Func> GetFunc(std::string_view name) override;
  Status Call(const Func& f, std::span<const Value> args, std::span<Value> results,
              const CallOptions& options) override;
  using Instance::Call;
  Memory* memory() override { return memory_.get(); }
  std::shared_ptr<InterruptHandle> interrupt_handle() override { return interrupt_; }
  bool healthy() const override { return healthy_; }
  bool stop_requested() const override { return interrupt_->Requested(); }
  Status SaveState() override;
  Status RestoreState() override;

  // Entry point of every host function (V8 FunctionCallback).
  static void HostTrampoline(const v8::FunctionCallbackInfo<v8::Value>& info);

 private:
  // Turns the exception caught by try_catch (or a termination) into an Error.
  Error CallError(v8::TryCatch& try_catch, bool interrupted);

  V8Context& context_;
  v8::Isolate* isolate_;
  std::shared_ptr<const Linker> linker_;
  std::vector<std::unique_ptr<V8HostBinding>> bindings_;
  std::vector<v8::Global<v8::Function>> funcs_;  // by export index; empty for non-function exports
  v8::Global<v8::Object> instance_;
  std::unique_ptr<V8Memory> memory_;
  std::shared_ptr<V8InterruptState> interrupt_;
  std::optional<Error> pending_error_;  // an error a host function returned, unwinding through the guest
  // What SaveState saved: the memory's bytes, and each mutable global's object (exported by the parser) and value.
  struct SavedState {
    std::vector<uint8_t> memory;
    std::vector<v8::Global<v8::Object>> globals;
    std::vector<Value> values;
  };
  std::optional<SavedState> saved_;
  int depth_ = 0;
  bool healthy_ = true;
};

// Compiles parsed in isolate (whose context is given); object receives V8's module object.
Result<std::shared_ptr<const V8Module>> CompileIn(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                                  ParsedModule parsed, v8::Local<v8::WasmModuleObject>* object);

// Converts a V8 exception or message into readable text.
std::string ExceptionText(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::TryCatch& try_catch);

}  // namespace capsule::internal
