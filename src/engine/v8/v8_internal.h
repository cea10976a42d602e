// Types shared by the files of the V8 backend (v8_engine.cc, v8_instance.cc, v8_externs.cc, v8_values.cc,
// v8_traps.cc). Includes v8.h: never include it from anywhere else.
#pragma once

#include <v8.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "capsule/engine.h"
#include "engine/deadline_watchdog.h"

namespace capsule::internal {

class V8Engine;
class V8Instance;
class V8Function;
class V8Memory;
class V8Table;
class V8Global;
class V8Context;
class PendingInterrupts;

// A host function bound to one instance: the data behind a V8 function's External. Its JS function may outlive the
// instance (another instance imported the instance's re-export of it, or holds it in a table): the binding then
// lives on, knows it, and is freed when V8 collects the function (or with the context).
struct V8HostBinding {
  V8Instance* instance;    // nullptr once the instance is gone
  const HostFuncDef* def;  // owned by the instance's linker: valid only while instance is set
  V8Context* context;
  v8::Global<v8::Function> fn;    // weak
  V8HostBinding* prev = nullptr;  // the context's list of its bindings
  V8HostBinding* next = nullptr;
};

// A compiled module: its parsed info plus V8's compiled native module, shareable across isolates.
class V8Module : public Module {
 public:
  V8Module(ModuleInfo info, v8::CompiledWasmModule compiled) : Module(std::move(info)), compiled_(compiled) {
    v8::MemorySpan<const uint8_t> wire = compiled_.GetWireBytesRef();
    wire_bytes_ = std::span<const uint8_t>(wire.data(), wire.size());
  }
  const v8::CompiledWasmModule& compiled() const { return compiled_; }
  // The bytes V8 compiled (ParsedModule::bytes), kept by V8 as long as the compiled module.
  std::span<const uint8_t> wire_bytes() const { return wire_bytes_; }

 private:
  v8::CompiledWasmModule compiled_;
  std::span<const uint8_t> wire_bytes_;
};

// A V8 isolate with one JS context, used by one thread at a time.
class V8Context : public Context {
 public:
  explicit V8Context(std::shared_ptr<V8Engine> engine);
  ~V8Context() override;

  Result<std::unique_ptr<Instance>> Instantiate(std::shared_ptr<const Module> module,
                                                std::shared_ptr<const Linker> linker, InstanceData data,
                                                const CallOptions& options) override;
  Result<std::shared_ptr<Memory>> NewMemory(const Limits& limits) override;
  Result<std::shared_ptr<Table>> NewTable(const TableType& type, const Value& init) override;
  Result<std::shared_ptr<Global>> NewGlobal(const GlobalType& type, const Value& value) override;

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

  // The one object of this context for a JS object of this isolate, made on first sight. Functions live as long
  // as the context; a function's type is read from V8 unless known is given. Errors: kInternal (V8 failed).
  Result<const V8Function*> InternFunction(v8::Local<v8::Function> fn, const FuncType* known = nullptr);
  Result<std::shared_ptr<V8Memory>> InternMemory(v8::Local<v8::Object> memory);
  // Makes memory, which no one else has seen (an instance's own), the one object of its JS memory, unless it
  // already is; returns that one.
  Result<std::shared_ptr<V8Memory>> AdoptMemory(std::shared_ptr<V8Memory> memory);
  Result<std::shared_ptr<V8Table>> InternTable(v8::Local<v8::Object> table);
  Result<std::shared_ptr<V8Global>> InternGlobal(v8::Local<v8::Object> global);

  // Instantiates a helper module (a trampoline) with imports {"": imports}; returns its exports object. Compiled
  // modules are cached by their bytes when cache is set. Errors: kInternal.
  Result<v8::Local<v8::Object>> InstantiateHelper(const std::vector<uint8_t>& bytes, v8::Local<v8::Object> imports,
                                                  bool cache = true);
  // new WebAssembly.<what>(args...), a JS API constructor. Errors: the constructor's exception, as kInvalidArgument
  // for a RangeError or TypeError, else kInternal.
  Result<v8::Local<v8::Object>> Construct(const char* what, std::span<v8::Local<v8::Value>> args);
  // The wire bytes of every module instantiated in this context (for reading the instruction a trap points at).
  std::vector<std::span<const uint8_t>> ModuleBytes() const;

  // A JS function calling def for instance, owned by this context until V8 collects it. Errors: kInternal.
  Result<V8HostBinding*> BindHostFunction(V8Instance& instance, const HostFuncDef& def, int length);

 private:
  // The module object of module in this isolate, created once from the shared compiled code.
  v8::MaybeLocal<v8::WasmModuleObject> ModuleObject(const std::shared_ptr<const V8Module>& module);
  // The entry of map whose object is the JS object obj, or a new one make() builds (see Intern*).
  template <class Map, class Make>
  auto Intern(Map& map, v8::Local<v8::Object> obj, Make make) -> decltype(make());

  std::shared_ptr<V8Engine> engine_;
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  v8::Global<v8::Context> context_;
  v8::Global<v8::Object> wasm_namespace_;  // the context's WebAssembly object
  v8::Global<v8::Function> instance_constructor_;
  v8::Global<v8::Function> function_type_;  // WebAssembly.Function.type (V8's type reflection)
  struct CachedModule {
    std::shared_ptr<const V8Module> module;
    v8::Global<v8::WasmModuleObject> object;
  };
  std::map<const V8Module*, CachedModule> modules_;
  std::unordered_map<std::string, v8::Global<v8::WasmModuleObject>> helper_modules_;  // by their bytes
  // The objects handed out so far, by their JS object's identity hash. Functions are owned here; the others by
  // their users, and detached when the context dies before them.
  std::unordered_multimap<int, std::unique_ptr<V8Function>> functions_;
  template <class T>
  struct WeakObjects {
    std::unordered_multimap<int, std::weak_ptr<T>> by_hash;
    size_t prune_at = 64;  // entries of dead objects are dropped when the map reaches this size
  };
  WeakObjects<V8Memory> memories_;
  WeakObjects<V8Table> tables_;
  WeakObjects<V8Global> globals_;
  // Owns the bindings (a list: no allocation but theirs) until V8 collects their function.
  V8HostBinding* bindings_ = nullptr;
  void Unlink(V8HostBinding* binding);
  std::optional<v8::HandleScope> base_scope_;              // open while this context is current (see MakeCurrent)
  std::shared_ptr<PendingInterrupts> pending_interrupts_;  // created with the isolate
};

// Enters the isolate, a handle scope and the JS context of a V8Context, and catches exceptions: what every call
// into V8 from outside a guest call needs.
struct JsScope {
  explicit JsScope(V8Context& c)
      : isolate(c.isolate()),
        isolate_scope(isolate),
        handles(isolate),
        context(c.context()),
        context_scope(context),
        try_catch(isolate) {}
  v8::Isolate* isolate;
  v8::Isolate::Scope isolate_scope;
  v8::HandleScope handles;
  v8::Local<v8::Context> context;
  v8::Context::Scope context_scope;
  v8::TryCatch try_catch;
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

// A function of a V8Context: a wasm function object (an export, or a funcref V8 handed out).
class V8Function final : public Function {
 public:
  V8Function(v8::Isolate* isolate, v8::Local<v8::Function> fn, FuncType type)
      : isolate_(isolate), fn_(isolate, fn), type_(std::move(type)) {}
  const FuncType& type() const override { return type_; }
  v8::Isolate* isolate() const { return isolate_; }
  v8::Local<v8::Function> Get() const { return fn_.Get(isolate_); }

 private:
  v8::Isolate* isolate_;
  v8::Global<v8::Function> fn_;
  FuncType type_;
};

// What the table, memory and global objects share: the JS object and its context, until the context dies.
class V8Object {
 public:
  V8Object(V8Context& context, v8::Local<v8::Object> object) : context_(&context), object_(context.isolate(), object) {}
  virtual ~V8Object() = default;
  // The context, or nullptr once it is gone.
  V8Context* context() const { return context_; }
  v8::Local<v8::Object> object() const { return object_.Get(context_->isolate()); }
  // Called by the dying context: the object drops its V8 handles and fails from now on.
  virtual void Detach() {
    object_.Reset();
    context_ = nullptr;
  }

 protected:
  static Error Gone() { return Fail(ErrorCode::kInvalidArgument, "the object's context was destroyed"); }

 private:
  V8Context* context_;
  v8::Global<v8::Object> object_;
};

// A WebAssembly.Memory: re-reads its ArrayBuffer when stale.
class V8Memory final : public Memory, public V8Object {
 public:
  V8Memory(V8Context& context, v8::Local<v8::Object> memory, std::optional<uint64_t> max)
      : V8Object(context, memory), max_(max) {}
  std::optional<uint64_t> max_pages() override { return max_; }
  Result<uint64_t> Grow(uint64_t delta_pages) override;

 protected:
  void Refresh(uint8_t*& base, size_t& size) override;

 private:
  std::optional<uint64_t> max_;
};

// A WebAssembly.Table, used through its JS methods.
class V8Table final : public Table, public V8Object {
 public:
  V8Table(V8Context& context, v8::Local<v8::Object> table, ValType element, std::optional<uint64_t> max)
      : V8Object(context, table), element_(element), max_(max) {}
  TableType type() override { return TableType{element_, Limits{size(), max_}}; }
  uint64_t size() override;
  Result<Value> Get(uint64_t index) override;
  Status Set(uint64_t index, const Value& value) override;
  Result<uint64_t> Grow(uint64_t delta, const Value& init) override;

 private:
  ValType element_;
  std::optional<uint64_t> max_;
};

// A WebAssembly.Global: i32, i64 and references through its value property, f32, f64 and v128 through a
// GlobalAccessorModule instance made on first use (JS would lose their bits). An immutable v128 global cannot be
// imported into that module (V8 10.2 aborts the process, a bug fixed in 2023): its value is given to it instead
// (SetConstant), read from the module that defines it.
class V8Global final : public Global, public V8Object {
 public:
  V8Global(V8Context& context, v8::Local<v8::Object> global, GlobalType type)
      : V8Object(context, global), type_(type) {}
  GlobalType type() override { return type_; }
  Result<Value> Get() override;
  Status Set(const Value& value) override;
  // The value of an immutable v128 global, known to the host.
  void SetConstant(const V128& value) { constant_ = value; }
  void Detach() override {
    get_.Reset();
    set_.Reset();
    V8Object::Detach();
  }

 private:
  // The accessor functions "get" and "set" (set empty when immutable).
  Status MakeAccessors(JsScope& js);

  GlobalType type_;
  v8::Global<v8::Function> get_, set_;
  std::optional<V128> constant_;
};

// Wire forms (trampoline_wasm.h): how a Value crosses JS. i32 and f32 bits as a Number, i64 and f64 bits as a
// BigInt, a v128 as two BigInts (low lanes first), a funcref as its function or null, an externref as a BigInt of
// the host's pointer or null.
//
// Writes the WireCount(v.type) JS values of v to out. False for a funcref of another context or backend.
bool ToWireSlow(v8::Isolate* isolate, const Value& v, v8::Local<v8::Value>* out);
inline bool ToWire(v8::Isolate* isolate, const Value& v, v8::Local<v8::Value>* out) {
  if (v.type == ValType::kI32) {  // the hot path, inline
    *out = v8::Integer::New(isolate, v.i32());
    return true;
  }
  return ToWireSlow(isolate, v, out);
}
// Reads a value of type t from its WireCount(t) JS values. False for a JS value no host value stands for.
bool FromWireSlow(V8Context& context, ValType t, const v8::Local<v8::Value>* in, Value* out);
inline bool FromWire(V8Context& context, ValType t, const v8::Local<v8::Value>* in, Value* out) {
  if (t == ValType::kI32 && in[0]->IsInt32()) {  // the hot path, inline
    *out = Value::I32(in[0].As<v8::Int32>()->Value());
    return true;
  }
  return FromWireSlow(context, t, in, out);
}
// The JS value of a reference (no wire form differs): funcref or externref. False as ToWire.
bool RefToJs(v8::Isolate* isolate, const Value& v, v8::Local<v8::Value>* out);

// An instance in a V8Context.
class V8Instance : public Instance {
 public:
  V8Instance(V8Context& context, std::shared_ptr<const Module> module, std::shared_ptr<const Linker> linker,
             InstanceData data);
  ~V8Instance() override;

  // Binds the imports, instantiates (the start function under options), collects the exports.
  Status Init(v8::Local<v8::WasmModuleObject> module_object, v8::Local<v8::Function> instance_constructor,
              const CallOptions& options);

  Result<Func> GetFunc(std::string_view name) override;
  Status Call(const Func& f, std::span<const Value> args, std::span<Value> results,
              const CallOptions& options) override;
  using Instance::Call;
  Memory* memory() override { return memory_.get(); }
  Result<Extern> GetExport(std::string_view name) override;
  std::shared_ptr<InterruptHandle> interrupt_handle() override { return interrupt_; }
  bool healthy() const override { return healthy_; }
  bool stop_requested() const override { return interrupt_->Requested(); }
  Status SaveState() override;
  Status RestoreState() override;

  // Entry point of every host function (V8 FunctionCallback).
  static void HostTrampoline(const v8::FunctionCallbackInfo<v8::Value>& info);
  // Ends a host function's call with error: the guest unwinds, and its Call returns the error.
  static void FailHostCall(const v8::FunctionCallbackInfo<v8::Value>& info, V8HostBinding& binding, Error error);

 private:
  // One export: for a function, how calls reach it; what GetExport made of it.
  struct ExportSlot {
    v8::Global<v8::Function> fn;       // the function; empty for other kinds
    v8::Global<v8::Function> wire_fn;  // its CallTrampolineModule instance, made on the first call
    bool needs_trampoline = false;     // f32, f64 or v128 in its type: calls go through wire_fn
    std::optional<Extern> object;      // what GetExport returned
  };

  // The import object: every import's JS value under its module and name.
  Result<v8::Local<v8::Object>> BuildImports();
  // The JS value an import bound to object (of this context) is given. Errors: kLinkError.
  Result<v8::Local<v8::Value>> ObjectImport(const ImportInfo& import, const Extern& object);
  // The function a call of slot goes through: the export, or its trampoline (made now if needed).
  Result<v8::Local<v8::Function>> CallTarget(ExportSlot& slot, const FuncType& type);
  // Turns the exception caught by try_catch (or a termination) into an Error.
  Error CallError(v8::TryCatch& try_catch, bool interrupted, std::string_view where = {});

  V8Context& context_;
  v8::Isolate* isolate_;
  std::shared_ptr<const Linker> linker_;
  std::vector<V8HostBinding*> bindings_;  // owned by the context; told when this instance dies
  std::vector<ExportSlot> exports_;       // by export index
  v8::Global<v8::Object> instance_;
  std::shared_ptr<V8Memory> memory_;
  std::shared_ptr<V8InterruptState> interrupt_;
  std::optional<Error> pending_error_;  // an error a host function returned, unwinding through the guest
  // What SaveState saved: the memory's bytes, and each mutable global (exported by the parser) and its value.
  struct SavedState {
    std::vector<uint8_t> memory;
    std::vector<std::shared_ptr<V8Global>> globals;
    std::vector<Value> values;
  };
  std::optional<SavedState> saved_;
  int depth_ = 0;
  bool healthy_ = true;
};

// A JS string of s (UTF-8).
inline v8::Local<v8::String> Str(v8::Isolate* isolate, std::string_view s) {
  return v8::String::NewFromUtf8(isolate, s.data(), v8::NewStringType::kNormal, static_cast<int>(s.size()))
      .ToLocalChecked();
}

// Compiles parsed in isolate (whose context is given); object receives V8's module object.
Result<std::shared_ptr<const V8Module>> CompileIn(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                                  ParsedModule parsed, v8::Local<v8::WasmModuleObject>* object);

// Converts a V8 exception or message into readable text.
std::string ExceptionText(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::TryCatch& try_catch);

// The error of a guest exception caught by try_catch: a kTrap in the wording of capsule/trap.h (V8's own words
// translated, with the wasm frame as details after where, e.g. "in the start function"), a kResourceLimit for
// out-of-memory, or kTrap with V8's text for anything else.
Error TrapError(V8Context& context, v8::TryCatch& try_catch, std::string_view where = {});

}  // namespace capsule::internal
