// The V8 backend's instances: host-function trampolines, typed calls, traps, interruption and memory views.
#include <algorithm>
#include <cstring>
#include <string>

#include "engine/v8/v8_internal.h"

namespace capsule::internal {
namespace {

constexpr size_t kMaxInlineValues = 16;

v8::Local<v8::Value> ToJs(v8::Isolate* isolate, const Value& v) {
  switch (v.type) {
    case ValType::kI32: return v8::Integer::New(isolate, v.i32());
    case ValType::kI64: return v8::BigInt::New(isolate, v.i64());
    case ValType::kF32: return v8::Number::New(isolate, v.f32());
    case ValType::kF64: return v8::Number::New(isolate, v.f64());
    default: return v8::Undefined(isolate);
  }
}

// Converts a JS value produced by wasm (or its wrapper) for a slot of type t. Wasm hands over Smis or heap
// numbers for i32/f32/f64 and BigInts for i64, so the context-free accessors suffice.
Value FromJs(v8::Local<v8::Value> js, ValType t) {
  switch (t) {
    case ValType::kI32:
      if (js->IsInt32()) return Value::I32(js.As<v8::Int32>()->Value());
      if (js->IsNumber()) return Value::I32(static_cast<int32_t>(js.As<v8::Number>()->Value()));
      return Value::I32(0);
    case ValType::kI64:
      if (js->IsBigInt()) return Value::I64(js.As<v8::BigInt>()->Int64Value());
      return Value::I64(0);
    case ValType::kF32: return Value::F32(js->IsNumber() ? static_cast<float>(js.As<v8::Number>()->Value()) : 0.0f);
    case ValType::kF64: return Value::F64(js->IsNumber() ? js.As<v8::Number>()->Value() : 0.0);
    default: return Value{};
  }
}

bool TypesMatch(std::span<const Value> values, const std::vector<ValType>& types) {
  if (values.size() != types.size()) return false;
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i].type != types[i]) return false;
  return true;
}

}  // namespace

void PendingInterrupts::Add(InterruptRequest* request) {
  std::lock_guard lock(mu_);
  requests_.push_back(request);
}

bool PendingInterrupts::Remove(InterruptRequest* request) {
  std::lock_guard lock(mu_);
  auto it = std::find(requests_.begin(), requests_.end(), request);
  if (it == requests_.end()) return false;
  requests_.erase(it);
  return true;
}

void PendingInterrupts::DropAll() {
  std::vector<InterruptRequest*> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(requests_);
  }
  for (InterruptRequest* request : dropped) delete request;
}

void V8InterruptState::Interrupt() {
  std::lock_guard lock(mu_);
  uint64_t call = running_call_.load(std::memory_order_acquire);
  if (!isolate_ || call == 0) return;
  requested_call_.store(call, std::memory_order_release);
  auto* request = new InterruptRequest{shared_from_this(), call};
  pending_->Add(request);
  isolate_->RequestInterrupt(&OnInterrupt, request);
}

void V8InterruptState::OnInterrupt(v8::Isolate* isolate, void* data) {
  auto* request = static_cast<InterruptRequest*>(data);
  V8InterruptState& state = *request->state;
  if (!state.pending_->Remove(request)) return;  // already freed: cannot happen while the isolate lives
  std::unique_ptr<InterruptRequest> owned(request);
  if (state.running_call_.load(std::memory_order_relaxed) != owned->call) return;  // that call already ended
  state.interrupted_ = true;
  isolate->TerminateExecution();
}

void V8InterruptState::BeginCall() {
  interrupted_ = false;
  running_call_.store(++last_call_, std::memory_order_release);
}

bool V8InterruptState::EndCall() {
  running_call_.store(0, std::memory_order_relaxed);
  bool hit = interrupted_;
  interrupted_ = false;
  // On the isolate's thread, so isolate_ cannot be detached concurrently (Detach runs in ~V8Instance, here too).
  if (hit) isolate_->CancelTerminateExecution();
  return hit;
}

void V8InterruptState::Detach() {
  std::lock_guard lock(mu_);
  isolate_ = nullptr;
}

void V8Memory::Refresh(uint8_t*& base, size_t& size) {
  v8::Isolate::Scope isolate_scope(isolate_);
  v8::HandleScope handles(isolate_);
  v8::Local<v8::ArrayBuffer> buffer = memory_.Get(isolate_)->Buffer();
  base = static_cast<uint8_t*>(buffer->Data());
  size = buffer->ByteLength();
}

V8Instance::V8Instance(V8Context& context, std::shared_ptr<const Module> module, std::shared_ptr<const Linker> linker,
                       InstanceData data)
    : Instance(std::move(module), std::move(data)),
      context_(context),
      isolate_(context.isolate()),
      linker_(std::move(linker)),
      interrupt_(std::make_shared<V8InterruptState>(context.isolate(), context.pending_interrupts())) {}

V8Instance::~V8Instance() {
  interrupt_->Detach();
  v8::Isolate::Scope isolate_scope(isolate_);
  funcs_.clear();
  instance_.Reset();
  memory_.reset();
}

Status V8Instance::Init(v8::Local<v8::WasmModuleObject> module_object, v8::Local<v8::Function> instance_constructor) {
  v8::Local<v8::Context> context = context_.context();
  v8::Local<v8::Object> imports = v8::Object::New(isolate_);
  for (const ImportInfo& imp : module_->imports()) {
    auto def = linker_->Resolve(imp);
    if (!def) return def.take_error();
    bindings_.push_back(std::make_unique<V8HostBinding>(V8HostBinding{this, *def}));
    v8::Local<v8::Function> fn;
    if (!v8::Function::New(context, HostTrampoline, v8::External::New(isolate_, bindings_.back().get()),
                           static_cast<int>(imp.func_type.params.size()), v8::ConstructorBehavior::kThrow)
             .ToLocal(&fn))
      return Fail(ErrorCode::kInternal, "V8 could not create host function " + imp.name);
    v8::Local<v8::String> module_name =
        v8::String::NewFromUtf8(isolate_, imp.module.data(), v8::NewStringType::kNormal, int(imp.module.size()))
            .ToLocalChecked();
    v8::Local<v8::String> field =
        v8::String::NewFromUtf8(isolate_, imp.name.data(), v8::NewStringType::kNormal, int(imp.name.size()))
            .ToLocalChecked();
    v8::Local<v8::Value> ns;
    if (!imports->Get(context, module_name).ToLocal(&ns) || !ns->IsObject()) {
      ns = v8::Object::New(isolate_);
      if (imports->Set(context, module_name, ns).IsNothing())
        return Fail(ErrorCode::kInternal, "V8 could not build the import object");
    }
    if (ns.As<v8::Object>()->Set(context, field, fn).IsNothing())
      return Fail(ErrorCode::kInternal, "V8 could not build the import object");
  }

  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Value> argv[] = {module_object, imports};
  depth_++;
  interrupt_->BeginCall();
  v8::MaybeLocal<v8::Object> maybe = instance_constructor->NewInstance(context, 2, argv);
  bool interrupted = interrupt_->EndCall();
  depth_--;
  v8::Local<v8::Object> instance;
  if (!maybe.ToLocal(&instance)) {
    Error e = CallError(try_catch, interrupted);
    if (e.code == ErrorCode::kTrap) e.message = "start function trapped: " + e.message;
    return e;
  }
  instance_.Reset(isolate_, instance);

  v8::Local<v8::Value> exports_value;
  if (!instance->Get(context, v8::String::NewFromUtf8Literal(isolate_, "exports")).ToLocal(&exports_value) ||
      !exports_value->IsObject())
    return Fail(ErrorCode::kInternal, "instance has no exports object");
  v8::Local<v8::Object> exports = exports_value.As<v8::Object>();
  const auto& infos = module_->exports();
  funcs_.resize(infos.size());
  v8::Local<v8::WasmMemoryObject> first_memory, named_memory;
  for (size_t i = 0; i < infos.size(); ++i) {
    const ExportInfo& e = infos[i];
    v8::Local<v8::Value> value;
    v8::Local<v8::String> key =
        v8::String::NewFromUtf8(isolate_, e.name.data(), v8::NewStringType::kNormal, int(e.name.size()))
            .ToLocalChecked();
    if (!exports->Get(context, key).ToLocal(&value)) continue;
    if (e.kind == ExternKind::kFunc && value->IsFunction()) funcs_[i].Reset(isolate_, value.As<v8::Function>());
    if (e.kind == ExternKind::kMemory && value->IsWasmMemoryObject()) {
      if (first_memory.IsEmpty()) first_memory = value.As<v8::WasmMemoryObject>();
      if (e.name == "memory") named_memory = value.As<v8::WasmMemoryObject>();
    }
  }
  if (!named_memory.IsEmpty()) first_memory = named_memory;
  if (!first_memory.IsEmpty()) memory_ = std::make_unique<V8Memory>(isolate_, first_memory);
  return Status::Ok();
}

Status V8Instance::SaveState() {
  const StateLayout& layout = module_->info().state;
  if (!layout.not_resettable.empty())
    return Fail(ErrorCode::kInvalidArgument, "the instance cannot be reset: the module has " + layout.not_resettable);
  if (!healthy_ || depth_ > 0 || ThreadCallDepth::Get() > 0)
    return Fail(ErrorCode::kInvalidArgument, "the instance's state can only be saved between calls, when healthy");
  context_.MakeCurrent();
  v8::HandleScope handles(isolate_);
  v8::Local<v8::Context> context = context_.context();
  v8::TryCatch try_catch(isolate_);
  SavedState saved;
  v8::Local<v8::Value> exports;
  if (!instance_.Get(isolate_)->Get(context, v8::String::NewFromUtf8Literal(isolate_, "exports")).ToLocal(&exports) ||
      !exports->IsObject())
    return Fail(ErrorCode::kInternal, "instance has no exports object");
  const auto value_key = v8::String::NewFromUtf8Literal(isolate_, "value");
  for (const StateLayout::Global& g : layout.mutable_globals) {
    const std::string name = StateGlobalExportName(g.index);
    v8::Local<v8::Value> global, value;
    if (!exports.As<v8::Object>()
             ->Get(context, v8::String::NewFromUtf8(isolate_, name.data(), v8::NewStringType::kNormal,
                                                    static_cast<int>(name.size()))
                                .ToLocalChecked())
             .ToLocal(&global) ||
        !global->IsObject() || !global.As<v8::Object>()->Get(context, value_key).ToLocal(&value))
      return Fail(ErrorCode::kInternal, "cannot read mutable global " + std::to_string(g.index));
    saved.globals.emplace_back(isolate_, global.As<v8::Object>());
    saved.values.push_back(FromJs(value, g.type));
  }
  if (memory_) {
    auto bytes = memory_->Span(0, memory_->size());
    if (!bytes) return bytes.take_error();
    saved.memory.assign(bytes->begin(), bytes->end());
  }
  saved_ = std::move(saved);
  return Status::Ok();
}

Status V8Instance::RestoreState() {
  if (!saved_) return Fail(ErrorCode::kInvalidArgument, "no saved state to restore");
  if (!healthy_ || depth_ > 0 || ThreadCallDepth::Get() > 0)
    return Fail(ErrorCode::kInvalidArgument, "the instance's state can only be restored between calls, when healthy");
  if (memory_) {
    if (memory_->size() != saved_->memory.size())
      return Fail(ErrorCode::kResourceLimit, "the memory grew since the state was saved");
    auto bytes = memory_->Span(0, saved_->memory.size());
    if (!bytes) return bytes.take_error();
    std::memcpy(bytes->data(), saved_->memory.data(), saved_->memory.size());
  }
  if (saved_->globals.empty()) return Status::Ok();
  context_.MakeCurrent();
  v8::HandleScope handles(isolate_);
  v8::Local<v8::Context> context = context_.context();
  v8::TryCatch try_catch(isolate_);
  const auto value_key = v8::String::NewFromUtf8Literal(isolate_, "value");
  for (size_t i = 0; i < saved_->globals.size(); ++i) {
    if (saved_->globals[i].Get(isolate_)->Set(context, value_key, ToJs(isolate_, saved_->values[i])).IsNothing()) {
      healthy_ = false;  // partly restored: unusable
      return Fail(ErrorCode::kInternal, "cannot restore a mutable global");
    }
  }
  return Status::Ok();
}

Result<Func> V8Instance::GetFunc(std::string_view name) {
  const auto& infos = module_->exports();
  for (size_t i = 0; i < infos.size(); ++i) {
    if (infos[i].name != name) continue;
    if (infos[i].kind != ExternKind::kFunc || funcs_[i].IsEmpty())
      return Fail(ErrorCode::kInvalidArgument,
                  "export \"" + std::string(name) + "\" is a " + ExternKindName(infos[i].kind) + ", not a function");
    return Func{static_cast<uint32_t>(i), &infos[i].func_type};
  }
  return Fail(ErrorCode::kNotFound, "the module exports no function \"" + std::string(name) + "\"");
}

Error V8Instance::CallError(v8::TryCatch& try_catch, bool interrupted) {
  healthy_ = false;
  if (pending_error_) {
    Error e = std::move(*pending_error_);
    pending_error_.reset();
    return e;
  }
  if (interrupted || try_catch.HasTerminated()) return Fail(ErrorCode::kInterrupted, "guest interrupted");
  v8::Local<v8::Context> context = context_.context();
  v8::Context::Scope context_scope(context);  // turning the exception into text runs JS (toString)
  std::string text = ExceptionText(isolate_, context, try_catch);
  if (text.find("Maximum call stack size exceeded") != std::string::npos)
    return Fail(ErrorCode::kTrap, "call stack exhausted");
  if (text.find("Out of memory") != std::string::npos || text.find("could not allocate memory") != std::string::npos)
    return Fail(ErrorCode::kResourceLimit, text);
  return Fail(ErrorCode::kTrap, text);
}

Status V8Instance::Call(const Func& f, std::span<const Value> args, std::span<Value> results,
                        const CallOptions& options) {
  if (f.index >= funcs_.size() || funcs_[f.index].IsEmpty() || !f.type)
    return Fail(ErrorCode::kInvalidArgument, "invalid function handle");
  const FuncType& type = *f.type;
  if (!TypesMatch(args, type.params))
    return Fail(ErrorCode::kInvalidArgument, "arguments do not match " + type.ToString());
  if (results.size() != type.results.size())
    return Fail(ErrorCode::kInvalidArgument, "expected room for " + std::to_string(type.results.size()) + " results");

  std::optional<v8::Isolate::Scope> isolate_scope;
  if (ThreadCallDepth::Get() == 0)
    context_.MakeCurrent();
  else
    isolate_scope.emplace(isolate_);
  ThreadCallDepth call_depth;
  v8::HandleScope handles(isolate_);
  // No Context::Scope: Function::Call enters the function's context itself, and nothing else here needs one.
  v8::Local<v8::Context> context = context_.context();
  v8::Local<v8::Value> inline_argv[kMaxInlineValues];
  std::vector<v8::Local<v8::Value>> heap_argv;
  v8::Local<v8::Value>* argv = inline_argv;
  if (args.size() > kMaxInlineValues) {
    heap_argv.resize(args.size());
    argv = heap_argv.data();
  }
  for (size_t i = 0; i < args.size(); ++i) argv[i] = ToJs(isolate_, args[i]);

  v8::TryCatch try_catch(isolate_);
  bool outermost = depth_ == 0;
  uint64_t ticket = 0;
  if (outermost) {
    interrupt_->BeginCall();
    if (options.deadline != std::chrono::steady_clock::time_point::max())
      ticket = context_.engine().watchdog().Arm(options.deadline, interrupt_);
  }
  depth_++;
  v8::MaybeLocal<v8::Value> maybe =
      funcs_[f.index].Get(isolate_)->Call(context, v8::Undefined(isolate_), static_cast<int>(args.size()), argv);
  depth_--;
  bool interrupted = false;
  if (outermost) {
    if (ticket) context_.engine().watchdog().Cancel(ticket);
    interrupted = interrupt_->EndCall();
  }
  if (memory_) memory_->Invalidate();

  v8::Local<v8::Value> result;
  if (!maybe.ToLocal(&result)) return CallError(try_catch, interrupted);
  if (interrupted) {
    healthy_ = false;
    return Fail(ErrorCode::kInterrupted, "guest interrupted");
  }
  if (results.size() == 1) {
    results[0] = FromJs(result, type.results[0]);
  } else if (results.size() > 1) {
    if (!result->IsArray()) return Fail(ErrorCode::kInternal, "multi-value result is not an array");
    v8::Local<v8::Array> array = result.As<v8::Array>();
    for (uint32_t i = 0; i < results.size(); ++i) {
      v8::Local<v8::Value> item;
      if (!array->Get(context, i).ToLocal(&item)) return Fail(ErrorCode::kInternal, "missing result");
      results[i] = FromJs(item, type.results[i]);
    }
  }
  return Status::Ok();
}

void V8Instance::HostTrampoline(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* binding = static_cast<V8HostBinding*>(info.Data().As<v8::External>()->Value());
  V8Instance& self = *binding->instance;
  const FuncType& type = binding->def->type;
  v8::Isolate* isolate = info.GetIsolate();

  Value inline_args[kMaxInlineValues], inline_results[kMaxInlineValues];
  std::vector<Value> heap_args, heap_results;
  Value* args = inline_args;
  Value* results = inline_results;
  if (type.params.size() > kMaxInlineValues) {
    heap_args.resize(type.params.size());
    args = heap_args.data();
  }
  if (type.results.size() > kMaxInlineValues) {
    heap_results.resize(type.results.size());
    results = heap_results.data();
  }
  for (size_t i = 0; i < type.params.size(); ++i) args[i] = FromJs(info[static_cast<int>(i)], type.params[i]);
  for (size_t i = 0; i < type.results.size(); ++i) results[i] = Value{type.results[i], {0}};

  if (self.memory_) self.memory_->Invalidate();
  Caller caller(self, self.memory_.get(), self.data_);
  Status status = binding->def->fn(caller, std::span<const Value>(args, type.params.size()),
                                   std::span<Value>(results, type.results.size()));
  if (isolate->IsExecutionTerminating()) return;  // an interrupt is unwinding the guest: let it go on
  if (!status.ok()) {
    Error error = status.take_error();
    if (error.code != ErrorCode::kExit && error.code != ErrorCode::kInterrupted &&
        error.message.find(binding->def->name) == std::string::npos)
      error.message = binding->def->name + ": " + error.message;
    self.pending_error_ = std::move(error);
    isolate->ThrowException(v8::String::NewFromUtf8Literal(isolate, "host function failed"));
    return;
  }
  if (type.results.size() == 1) {
    const Value& r = results[0];
    switch (r.type) {
      case ValType::kI32: info.GetReturnValue().Set(r.i32()); break;
      case ValType::kI64: info.GetReturnValue().Set(v8::BigInt::New(isolate, r.i64())); break;
      case ValType::kF32: info.GetReturnValue().Set(static_cast<double>(r.f32())); break;
      case ValType::kF64: info.GetReturnValue().Set(r.f64()); break;
      default: break;
    }
  } else if (type.results.size() > 1) {
    v8::Local<v8::Context> context = isolate->GetCurrentContext();
    v8::Local<v8::Array> array = v8::Array::New(isolate, static_cast<int>(type.results.size()));
    for (uint32_t i = 0; i < type.results.size(); ++i)
      if (array->Set(context, i, ToJs(isolate, results[i])).IsNothing()) return;
    info.GetReturnValue().Set(array);
  }
}

}  // namespace capsule::internal
