// The V8 backend: process-wide initialization, compilation, isolates (contexts) and instantiation.
#include <libplatform/libplatform.h>

#include <string>

#include "engine/v8/v8_engine.h"
#include "engine/v8/v8_internal.h"

namespace capsule::internal {
namespace {

// Flags fixed for the whole process. Dynamic tiering off: every function is optimized by TurboFan in the
// background right after the baseline compile, which gave the best compute times. Loop peeling: sha256 went from
// 1.6x to 1.3x native (bench/README.md). Type reflection (JS API only: WebAssembly.Function.type and the type()
// methods of memories, tables and globals) tells the types of the objects a guest hands out (funcrefs, exports).
constexpr char kV8Flags[] = "--no-wasm-dynamic-tiering --wasm-loop-peeling --experimental-wasm-type-reflection";

// The context whose isolate is left entered on this thread (see MakeCurrent), or nullptr.
thread_local V8Context* t_entered = nullptr;
// How many V8Instance calls are running on this thread; the entered isolate may only change at depth 0.
thread_local int t_call_depth = 0;

}  // namespace

v8::Isolate* V8Engine::NewIsolate(v8::ArrayBuffer::Allocator* allocator) {
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator;
  return v8::Isolate::New(params);
}

Result<std::shared_ptr<const Module>> V8Engine::Compile(std::span<const uint8_t> wasm, const CompileOptions& options) {
  auto parsed = ParseModule(wasm, options.max_memory_pages);
  if (!parsed) return parsed.take_error();
  std::lock_guard lock(compile_mu_);
  if (!compile_isolate_) {
    compile_allocator_.reset(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
    compile_isolate_ = NewIsolate(compile_allocator_.get());
    v8::Isolate::Scope isolate_scope(compile_isolate_);
    v8::HandleScope handles(compile_isolate_);
    compile_context_.Reset(compile_isolate_, v8::Context::New(compile_isolate_));
  }
  v8::Isolate::Scope isolate_scope(compile_isolate_);
  Result<std::shared_ptr<const V8Module>> module = Fail(ErrorCode::kInternal, "not compiled");
  {
    v8::HandleScope handles(compile_isolate_);
    v8::Local<v8::WasmModuleObject> object;
    module = CompileIn(compile_isolate_, compile_context_.Get(compile_isolate_), std::move(*parsed), &object);
  }
  // The compile isolate allocates almost nothing, so it would almost never collect the module objects it made:
  // every dropped module would stay in memory, and its queued optimization work would delay newer modules'.
  // A full collection (about 2 ms) after every 32 compiles or 8 MiB of code releases them.
  bytes_since_gc_ += wasm.size();
  if (++compiles_since_gc_ >= kCompilesPerGc || bytes_since_gc_ >= kBytesPerGc) {
    compiles_since_gc_ = 0;
    bytes_since_gc_ = 0;
    compile_isolate_->LowMemoryNotification();
  }
  if (!module) return module.take_error();
  return std::shared_ptr<const Module>(std::move(*module));
}

Result<std::shared_ptr<const V8Module>> CompileIn(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                                  ParsedModule parsed, v8::Local<v8::WasmModuleObject>* object) {
  v8::Context::Scope context_scope(context);
  v8::TryCatch try_catch(isolate);
  const auto& bytes = parsed.bytes;
  if (!v8::WasmModuleObject::Compile(isolate, v8::MemorySpan<const uint8_t>(bytes.data(), bytes.size()))
           .ToLocal(object)) {
    std::string text = ExceptionText(isolate, context, try_catch);
    auto colon = text.find("(): ");  // "WebAssembly.Module(): Compiling function #1 failed: ..."
    if (colon != std::string::npos) text = text.substr(colon + 4);
    return Fail(ErrorCode::kInvalidModule, "invalid module: " + text);
  }
  return std::make_shared<const V8Module>(std::move(parsed.info), (*object)->GetCompiledModule());
}

Result<std::shared_ptr<const Module>> V8Context::Compile(std::span<const uint8_t> wasm, const CompileOptions& options) {
  auto parsed = ParseModule(wasm, options.max_memory_pages);
  if (!parsed) return parsed.take_error();
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope handles(isolate_);
  v8::Local<v8::WasmModuleObject> object;
  auto module = CompileIn(isolate_, context(), std::move(*parsed), &object);
  if (!module) return module.take_error();
  auto& cached = modules_[module->get()];
  cached.module = *module;
  cached.object.Reset(isolate_, object);
  return std::shared_ptr<const Module>(std::move(*module));
}

Result<std::unique_ptr<Context>> V8Engine::NewContext() {
  return std::unique_ptr<Context>(std::make_unique<V8Context>(shared_from_this()));
}

V8Context::V8Context(std::shared_ptr<V8Engine> engine)
    : engine_(std::move(engine)), pending_interrupts_(std::make_shared<PendingInterrupts>()) {
  allocator_.reset(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  isolate_ = engine_->NewIsolate(allocator_.get());
  // No promises ever run here: skip the microtask checkpoint V8 would do after every outermost call.
  isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope handles(isolate_);
  v8::Local<v8::Context> context = v8::Context::New(isolate_);
  context_.Reset(isolate_, context);
  v8::Context::Scope context_scope(context);
  // WebAssembly, WebAssembly.Instance and WebAssembly.Function.type, looked up once.
  v8::Local<v8::Object> wasm = v8::Object::New(isolate_);
  v8::Local<v8::Value> global_wasm;
  if (context->Global()->Get(context, Str(isolate_, "WebAssembly")).ToLocal(&global_wasm) && global_wasm->IsObject())
    wasm = global_wasm.As<v8::Object>();
  wasm_namespace_.Reset(isolate_, wasm);
  v8::Local<v8::Value> ctor, function, type;
  if (wasm->Get(context, Str(isolate_, "Instance")).ToLocal(&ctor) && ctor->IsFunction())
    instance_constructor_.Reset(isolate_, ctor.As<v8::Function>());
  if (wasm->Get(context, Str(isolate_, "Function")).ToLocal(&function) && function->IsObject() &&
      function.As<v8::Object>()->Get(context, Str(isolate_, "type")).ToLocal(&type) && type->IsFunction())
    function_type_.Reset(isolate_, type.As<v8::Function>());
}

ThreadCallDepth::ThreadCallDepth() {
  ++t_call_depth;
}
ThreadCallDepth::~ThreadCallDepth() {
  --t_call_depth;
}
int ThreadCallDepth::Get() {
  return t_call_depth;
}

void V8Context::MakeCurrent() {
  // Anything else that enters an isolate on this thread does so in LIFO scopes, so at call depth 0 the isolate
  // left entered is still the current one.
  if (t_entered == this) return;
  if (t_entered) t_entered->LeaveCurrent();
  isolate_->Enter();
  // A base handle scope holding one handle keeps a handle block allocated, so each call's own scope does not
  // allocate and free one.
  base_scope_.emplace(isolate_);
  (void)v8::Integer::New(isolate_, 0);
  t_entered = this;
}

void V8Context::LeaveCurrent() {
  if (t_entered != this) return;
  t_entered = nullptr;
  if (v8::Isolate::GetCurrent() != isolate_) return;  // someone left another isolate entered on top: keep out
  base_scope_.reset();
  isolate_->Exit();
}

V8Context::~V8Context() {
  {
    v8::Isolate::Scope isolate_scope(isolate_);
    // Objects the host still holds outlive the isolate: they let go of it now and fail from then on.
    auto detach = [](auto& objects) {
      for (auto& [hash, weak] : objects.by_hash)
        if (auto object = weak.lock()) object->Detach();
      objects.by_hash.clear();
    };
    detach(memories_);
    detach(tables_);
    detach(globals_);
    functions_.clear();
    while (V8HostBinding* binding = bindings_) {
      Unlink(binding);
      delete binding;
    }
    helper_modules_.clear();
    modules_.clear();
    instance_constructor_.Reset();
    function_type_.Reset();
    wasm_namespace_.Reset();
    context_.Reset();
  }
  LeaveCurrent();
  // Still entered by another thread (the context was used there and destroyed here): disposing would abort the
  // process, so the isolate is left to the process's exit instead.
  if (!isolate_->IsInUse()) {
    isolate_->Dispose();
    pending_interrupts_->DropAll();  // requests V8 will never run now
  }
}

v8::MaybeLocal<v8::WasmModuleObject> V8Context::ModuleObject(const std::shared_ptr<const V8Module>& module) {
  auto it = modules_.find(module.get());
  if (it != modules_.end()) return it->second.object.Get(isolate_);
  // Forget modules nobody but this cache holds any more (e.g. replaced by a reload).
  std::erase_if(modules_, [](const auto& entry) { return entry.second.module.use_count() == 1; });
  v8::Local<v8::WasmModuleObject> object;
  if (!v8::WasmModuleObject::FromCompiledModule(isolate_, module->compiled()).ToLocal(&object)) return {};
  auto& cached = modules_[module.get()];
  cached.module = module;
  cached.object.Reset(isolate_, object);
  return object;
}

Result<std::unique_ptr<Instance>> V8Context::Instantiate(std::shared_ptr<const Module> module,
                                                         std::shared_ptr<const Linker> linker, InstanceData data,
                                                         const CallOptions& options) {
  auto v8_module = std::dynamic_pointer_cast<const V8Module>(module);
  if (!v8_module) return Fail(ErrorCode::kInvalidArgument, "module was compiled by another engine");
  if (instance_constructor_.IsEmpty()) return Fail(ErrorCode::kInternal, "V8 has no WebAssembly.Instance");

  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope handles(isolate_);
  v8::Context::Scope context_scope(context());
  v8::Local<v8::WasmModuleObject> object;
  if (!ModuleObject(v8_module).ToLocal(&object))
    return Fail(ErrorCode::kInternal, "V8 could not load the compiled module into this isolate");
  auto instance = std::make_unique<V8Instance>(*this, std::move(module), std::move(linker), std::move(data));
  if (auto st = instance->Init(object, instance_constructor_.Get(isolate_), options); !st) return st.take_error();
  return std::unique_ptr<Instance>(std::move(instance));
}

Result<std::shared_ptr<Engine>> CreateV8Engine(const EngineOptions& options) {
  static std::once_flag once;
  static std::shared_ptr<V8Engine>* engine = nullptr;  // never destroyed: V8 cannot be torn down and restarted
  static std::unique_ptr<v8::Platform>* platform = nullptr;
  std::call_once(once, [&] {
    std::string flags = kV8Flags;
    bool trap_handler = options.trap_handler;
#ifdef CAPSULE_SANITIZE
    trap_handler = false;  // the trap handler's SIGSEGV handling conflicts with AddressSanitizer
#endif
    v8::V8::SetFlagsFromString(flags.c_str());
    platform = new std::unique_ptr<v8::Platform>(v8::platform::NewDefaultPlatform());
    v8::V8::InitializePlatform(platform->get());
    v8::V8::Initialize();
    if (trap_handler) v8::V8::EnableWebAssemblyTrapHandler(/*use_v8_signal_handler=*/true);
    engine = new std::shared_ptr<V8Engine>(std::make_shared<V8Engine>(options));
  });
  return std::shared_ptr<Engine>(*engine);
}

}  // namespace capsule::internal
