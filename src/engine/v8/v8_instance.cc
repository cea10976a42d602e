// The V8 backend's instances: imports (host functions and objects), exports, typed calls and the host-function
// entry point, both with trampolines for the types JS cannot carry, and state save / restore.
#include <cstring>
#include <string>

#include "engine/module_lookup.h"
#include "engine/v8/trampoline_wasm.h"
#include "engine/v8/v8_internal.h"

namespace capsule::internal {
namespace {

constexpr size_t kMaxInlineValues = 16;

bool TypesMatch(std::span<const Value> values, const std::vector<ValType>& types) {
  if (values.size() != types.size()) return false;
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i].type != types[i]) return false;
  return true;
}

size_t WireCountOf(const std::vector<ValType>& types) {
  size_t n = 0;
  for (ValType t : types) n += WireCount(t);
  return n;
}

// A stack buffer of n items, or a heap one when n is large.
template <class T, size_t kInline>
class SmallBuffer {
 public:
  explicit SmallBuffer(size_t n) {
    if (n > kInline) Grow(n);
  }
  T* data() { return heap_.empty() ? inline_ : heap_.data(); }

 private:
  [[gnu::noinline]] void Grow(size_t n) { heap_.resize(n); }  // keeps the common path inline

  T inline_[kInline];
  std::vector<T> heap_;
};

}  // namespace

V8Instance::V8Instance(V8Context& context, std::shared_ptr<const Module> module, std::shared_ptr<const Linker> linker,
                       InstanceData data)
    : Instance(std::move(module), std::move(data)),
      context_(context),
      isolate_(context.isolate()),
      linker_(std::move(linker)),
      interrupt_(std::make_shared<V8InterruptState>(context.isolate(), context.pending_interrupts())) {}

V8Instance::~V8Instance() {
  interrupt_->Detach();
  for (V8HostBinding* binding : bindings_) binding->instance = nullptr;
  v8::Isolate::Scope isolate_scope(isolate_);
  exports_.clear();
  instance_.Reset();
  saved_.reset();
  memory_.reset();
}

Result<v8::Local<v8::Value>> V8Instance::ObjectImport(const ImportInfo& import, const Extern& object) {
  auto other_context = [&] {
    return Fail(ErrorCode::kLinkError,
                "import \"" + import.module + "\".\"" + import.name + "\" is bound to an object of another context");
  };
  if (import.kind == ExternKind::kGlobal && import.global == GlobalType{ValType::kV128, false})
    return Fail(ErrorCode::kLinkError,
                "import \"" + import.module + "\".\"" + import.name +
                    "\": V8 10.2 cannot import an immutable v128 global (it aborts the process)");
  const V8Object* owned = nullptr;
  switch (object.kind()) {
    case ExternKind::kFunc: {
      const auto* f = dynamic_cast<const V8Function*>(object.function());
      if (!f || f->isolate() != isolate_) return other_context();
      return v8::Local<v8::Value>(f->Get());
    }
    case ExternKind::kTable: owned = dynamic_cast<const V8Object*>(object.table().get()); break;
    case ExternKind::kMemory: owned = dynamic_cast<const V8Object*>(object.memory().get()); break;
    case ExternKind::kGlobal: owned = dynamic_cast<const V8Object*>(object.global().get()); break;
    case ExternKind::kTag: break;
  }
  if (!owned || owned->context() != &context_) return other_context();
  return v8::Local<v8::Value>(owned->object());
}

Result<v8::Local<v8::Object>> V8Instance::BuildImports() {
  v8::Local<v8::Context> context = context_.context();
  const auto& infos = module_->imports();
  std::vector<v8::Local<v8::Value>> values(infos.size());
  // Host functions with f32, f64 or v128 in their types are called through one HostTrampolineModule instance.
  std::vector<size_t> wrapped;
  std::vector<FuncType> wrapped_types;
  for (size_t i = 0; i < infos.size(); ++i) {
    auto binding = linker_->Resolve(infos[i]);
    if (!binding) return binding.take_error();
    if (binding->object) {
      auto value = ObjectImport(infos[i], *binding->object);
      if (!value) return value.take_error();
      values[i] = *value;
      continue;
    }
    const FuncType& type = binding->host->type;
    auto bound = context_.BindHostFunction(*this, *binding->host, static_cast<int>(WireCountOf(type.params)));
    if (!bound) return bound.take_error();
    bindings_.push_back(*bound);
    values[i] = (*bound)->fn.Get(isolate_);
    if (NeedsTrampoline(type)) {
      wrapped.push_back(i);
      wrapped_types.push_back(type);
    }
  }
  if (!wrapped.empty()) {
    v8::Local<v8::Object> hosts = v8::Object::New(isolate_);
    for (size_t k = 0; k < wrapped.size(); ++k)
      if (hosts->Set(context, Str(isolate_, std::to_string(k)), values[wrapped[k]]).IsNothing())
        return Fail(ErrorCode::kInternal, "V8 could not build the host trampolines' imports");
    auto exports = context_.InstantiateHelper(HostTrampolineModule(wrapped_types), hosts);
    if (!exports) return exports.take_error();
    for (size_t k = 0; k < wrapped.size(); ++k)
      if (!(*exports)->Get(context, Str(isolate_, std::to_string(k))).ToLocal(&values[wrapped[k]]))
        return Fail(ErrorCode::kInternal, "V8 could not read a host trampoline");
  }
  v8::Local<v8::Object> imports = v8::Object::New(isolate_);
  for (size_t i = 0; i < infos.size(); ++i) {
    v8::Local<v8::String> module_name = Str(isolate_, infos[i].module);
    v8::Local<v8::Value> ns;
    if (!imports->Get(context, module_name).ToLocal(&ns) || !ns->IsObject()) {
      ns = v8::Object::New(isolate_);
      if (imports->Set(context, module_name, ns).IsNothing())
        return Fail(ErrorCode::kInternal, "V8 could not build the import object");
    }
    if (ns.As<v8::Object>()->Set(context, Str(isolate_, infos[i].name), values[i]).IsNothing())
      return Fail(ErrorCode::kInternal, "V8 could not build the import object");
  }
  return imports;
}

Status V8Instance::Init(v8::Local<v8::WasmModuleObject> module_object, v8::Local<v8::Function> instance_constructor,
                        const CallOptions& options) {
  v8::Local<v8::Context> context = context_.context();
  auto imports = BuildImports();
  if (!imports) return imports.take_error();

  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Value> argv[] = {module_object, *imports};
  depth_++;
  interrupt_->BeginCall();
  const uint64_t ticket = options.deadline == std::chrono::steady_clock::time_point::max()
                              ? 0
                              : context_.engine().watchdog().Arm(options.deadline, interrupt_);
  v8::MaybeLocal<v8::Object> maybe = instance_constructor->NewInstance(context, 2, argv);
  if (ticket) context_.engine().watchdog().Cancel(ticket);
  bool interrupted = interrupt_->EndCall();
  depth_--;
  v8::Local<v8::Object> instance;
  // V8 10.2 returns an object (not an instance) when the start function throws: the exception is what counts.
  if (!maybe.ToLocal(&instance) || try_catch.HasCaught()) return CallError(try_catch, interrupted, "start function");
  instance_.Reset(isolate_, instance);

  v8::Local<v8::Value> exports_value;
  if (!instance->Get(context, Str(isolate_, "exports")).ToLocal(&exports_value) || !exports_value->IsObject())
    return Fail(ErrorCode::kInternal, "instance has no exports object");
  v8::Local<v8::Object> exports = exports_value.As<v8::Object>();
  const auto& infos = module_->exports();
  exports_.resize(infos.size());
  v8::Local<v8::Value> memory;
  std::optional<uint32_t> memory_index;  // of the exported memory
  for (size_t i = 0; i < infos.size(); ++i) {
    const ExportInfo& e = infos[i];
    v8::Local<v8::Value> value;
    if (!exports->Get(context, Str(isolate_, e.name)).ToLocal(&value))
      return Fail(ErrorCode::kInternal, "V8 could not read export " + e.name);
    ExportSlot& slot = exports_[i];
    if (e.kind == ExternKind::kFunc && value->IsFunction()) {
      slot.fn.Reset(isolate_, value.As<v8::Function>());
      slot.needs_trampoline = NeedsTrampoline(e.func_type);
    }
    if (e.kind == ExternKind::kMemory && value->IsWasmMemoryObject() && (memory.IsEmpty() || e.name == "memory")) {
      memory = value;
      memory_index = e.index;
    }
  }
  if (memory.IsEmpty()) {  // the first imported memory
    const auto& imports_info = module_->imports();
    for (const ImportInfo& imp : imports_info) {
      if (imp.kind != ExternKind::kMemory) continue;
      v8::Local<v8::Value> ns;
      if ((*imports)->Get(context, Str(isolate_, imp.module)).ToLocal(&ns) && ns->IsObject())
        memory = ns.As<v8::Object>()->Get(context, Str(isolate_, imp.name)).FromMaybe(v8::Local<v8::Value>());
      break;
    }
  }
  if (!memory.IsEmpty() && memory->IsWasmMemoryObject()) {
    // A memory the module defines is new, with the maximum it declares (after the cap): it becomes the context's
    // object for it only if GetExport hands it out. An imported one already is an object of the context.
    size_t imported_memories = 0;
    for (const ImportInfo& imp : module_->imports()) imported_memories += imp.kind == ExternKind::kMemory;
    const auto& declared = module_->info().memories;
    if (memory_index && *memory_index >= imported_memories && *memory_index < declared.size()) {
      memory_ = std::make_shared<V8Memory>(context_, memory.As<v8::Object>(), declared[*memory_index].max);
    } else {
      auto interned = context_.InternMemory(memory.As<v8::Object>());
      if (!interned) return interned.take_error();
      memory_ = std::move(*interned);
    }
  }
  return Status::Ok();
}

Result<Extern> V8Instance::GetExport(std::string_view name) {
  const auto& infos = module_->exports();
  size_t i = 0;
  while (i < infos.size() && infos[i].name != name) ++i;
  if (i == infos.size())
    return Fail(ErrorCode::kNotFound, "the module exports nothing named \"" + std::string(name) + "\"");
  ExportSlot& slot = exports_[i];
  if (slot.object) return *slot.object;
  JsScope js(context_);
  v8::Local<v8::Value> exports, value;
  if (!instance_.Get(isolate_)->Get(js.context, Str(isolate_, "exports")).ToLocal(&exports) || !exports->IsObject() ||
      !exports.As<v8::Object>()->Get(js.context, Str(isolate_, infos[i].name)).ToLocal(&value))
    return Fail(ErrorCode::kInternal, "V8 could not read export " + infos[i].name);
  Result<Extern> object = Fail(ErrorCode::kInternal, "V8 exported something unexpected as \"" + infos[i].name + "\"");
  auto as = [](auto interned) -> Result<Extern> {
    if (!interned) return interned.take_error();
    return Extern(std::move(*interned));
  };
  switch (infos[i].kind) {
    case ExternKind::kFunc:
      if (value->IsFunction()) object = as(context_.InternFunction(value.As<v8::Function>(), &infos[i].func_type));
      break;
    case ExternKind::kMemory:
      if (!value->IsWasmMemoryObject()) break;
      object = memory_ && memory_->object() == value ? as(context_.AdoptMemory(memory_))
                                                     : as(context_.InternMemory(value.As<v8::Object>()));
      break;
    case ExternKind::kTable:
      if (value->IsObject()) object = as(context_.InternTable(value.As<v8::Object>()));
      break;
    case ExternKind::kGlobal:
      if (!value->IsObject()) break;
      if (auto global = context_.InternGlobal(value.As<v8::Object>()); !global) {
        object = global.take_error();
      } else {
        // V8 cannot read an immutable v128 global (V8Global): its initializer can only be a v128.const.
        if ((*global)->type() == GlobalType{ValType::kV128, false})
          if (auto init = V128GlobalInit(static_cast<const V8Module&>(*module_).wire_bytes(), infos[i].index))
            (*global)->SetConstant(*init);
        object = Extern(std::move(*global));
      }
      break;
    case ExternKind::kTag: break;
  }
  if (object) slot.object = *object;
  return object;
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
  if (!instance_.Get(isolate_)->Get(context, Str(isolate_, "exports")).ToLocal(&exports) || !exports->IsObject())
    return Fail(ErrorCode::kInternal, "instance has no exports object");
  for (const StateLayout::Global& g : layout.mutable_globals) {
    v8::Local<v8::Value> object;
    if (!exports.As<v8::Object>()->Get(context, Str(isolate_, StateGlobalExportName(g.index))).ToLocal(&object) ||
        !object->IsObject())
      return Fail(ErrorCode::kInternal, "cannot read mutable global " + std::to_string(g.index));
    auto global = context_.InternGlobal(object.As<v8::Object>());
    if (!global) return global.take_error();
    auto value = (*global)->Get();
    if (!value) return value.take_error();
    saved.globals.push_back(std::move(*global));
    saved.values.push_back(*value);
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
  for (size_t i = 0; i < saved_->globals.size(); ++i) {
    if (!saved_->globals[i]->Set(saved_->values[i])) {
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
    if (infos[i].kind != ExternKind::kFunc || exports_[i].fn.IsEmpty())
      return Fail(ErrorCode::kInvalidArgument,
                  "export \"" + std::string(name) + "\" is a " + ExternKindName(infos[i].kind) + ", not a function");
    return Func{static_cast<uint32_t>(i), &infos[i].func_type};
  }
  return Fail(ErrorCode::kNotFound, "the module exports no function \"" + std::string(name) + "\"");
}

Error V8Instance::CallError(v8::TryCatch& try_catch, bool interrupted, std::string_view where) {
  healthy_ = false;
  if (pending_error_) {
    Error e = std::move(*pending_error_);
    pending_error_.reset();
    return e;
  }
  if (interrupted || try_catch.HasTerminated()) return Fail(ErrorCode::kInterrupted, "guest interrupted");
  v8::Context::Scope context_scope(context_.context());  // turning the exception into text runs JS (toString)
  return TrapError(context_, try_catch, where);
}

Result<v8::Local<v8::Function>> V8Instance::CallTarget(ExportSlot& slot, const FuncType& type) {
  if (slot.wire_fn.IsEmpty()) {
    v8::Context::Scope context_scope(context_.context());
    v8::Local<v8::Object> imports = v8::Object::New(isolate_);
    if (imports->Set(context_.context(), Str(isolate_, "f"), slot.fn.Get(isolate_)).IsNothing())
      return Fail(ErrorCode::kInternal, "V8 could not build a call trampoline's imports");
    auto exports = context_.InstantiateHelper(CallTrampolineModule(type), imports);
    if (!exports) return exports.take_error();
    v8::Local<v8::Value> fn;
    if (!(*exports)->Get(context_.context(), Str(isolate_, "f")).ToLocal(&fn) || !fn->IsFunction())
      return Fail(ErrorCode::kInternal, "V8 could not read a call trampoline");
    slot.wire_fn.Reset(isolate_, fn.As<v8::Function>());
  }
  return slot.wire_fn.Get(isolate_);
}

Status V8Instance::Call(const Func& f, std::span<const Value> args, std::span<Value> results,
                        const CallOptions& options) {
  if (f.index >= exports_.size() || exports_[f.index].fn.IsEmpty() || !f.type)
    return Fail(ErrorCode::kInvalidArgument, "invalid function handle");
  ExportSlot& slot = exports_[f.index];
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
  v8::Local<v8::Function> fn;
  if (!slot.needs_trampoline) {
    fn = slot.fn.Get(isolate_);
  } else {
    auto target = CallTarget(slot, type);
    if (!target) return target.take_error();
    fn = *target;
  }
  // No Context::Scope: Function::Call enters the function's context itself, and nothing else here needs one.
  v8::Local<v8::Context> context = context_.context();
  SmallBuffer<v8::Local<v8::Value>, kMaxInlineValues> argv(slot.needs_trampoline ? WireCountOf(type.params)
                                                                                 : args.size());
  int argc = 0;
  for (const Value& arg : args) {
    if (!ToWire(isolate_, arg, argv.data() + argc))
      return Fail(ErrorCode::kInvalidArgument, "a funcref argument is not a function of this context");
    argc += WireCount(arg.type);
  }

  v8::TryCatch try_catch(isolate_);
  bool outermost = depth_ == 0;
  uint64_t ticket = 0;
  if (outermost) {
    interrupt_->BeginCall();
    if (options.deadline != std::chrono::steady_clock::time_point::max())
      ticket = context_.engine().watchdog().Arm(options.deadline, interrupt_);
  }
  depth_++;
  v8::MaybeLocal<v8::Value> maybe = fn->Call(context, v8::Undefined(isolate_), argc, argv.data());
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
  const size_t wire_results = slot.needs_trampoline ? WireCountOf(type.results) : results.size();
  auto unrepresentable = [] {
    return Fail(ErrorCode::kInternal, "the guest returned a value the host cannot represent");
  };
  if (wire_results == 1) {
    if (!FromWire(context_, type.results[0], &result, &results[0])) return unrepresentable();
  } else if (wire_results > 1) {
    if (!result->IsArray()) return Fail(ErrorCode::kInternal, "multi-value result is not an array");
    v8::Local<v8::Array> array = result.As<v8::Array>();
    SmallBuffer<v8::Local<v8::Value>, kMaxInlineValues> wire(wire_results);
    for (uint32_t i = 0; i < wire_results; ++i)
      if (!array->Get(context, i).ToLocal(&wire.data()[i])) return Fail(ErrorCode::kInternal, "missing result");
    size_t w = 0;
    for (size_t i = 0; i < results.size(); ++i) {
      if (!FromWire(context_, type.results[i], wire.data() + w, &results[i])) return unrepresentable();
      w += WireCount(type.results[i]);
    }
  }
  return Status::Ok();
}

void V8Instance::FailHostCall(const v8::FunctionCallbackInfo<v8::Value>& info, V8HostBinding& binding, Error error) {
  if (error.code != ErrorCode::kExit && error.code != ErrorCode::kInterrupted &&
      error.message.find(binding.def->name) == std::string::npos)
    error.message = binding.def->name + ": " + error.message;
  binding.instance->pending_error_ = std::move(error);
  info.GetIsolate()->ThrowException(v8::String::NewFromUtf8Literal(info.GetIsolate(), "host function failed"));
}

void V8Instance::HostTrampoline(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* binding = static_cast<V8HostBinding*>(info.Data().As<v8::External>()->Value());
  v8::Isolate* isolate = info.GetIsolate();
  if (!binding->instance) {
    // Not even def may be read now: the instance's linker, which owns it, may be gone too.
    isolate->ThrowException(v8::Exception::Error(
        Str(isolate, "a host function was called after the instance that imported it was destroyed")));
    return;
  }
  V8Instance& self = *binding->instance;
  const FuncType& type = binding->def->type;
  const size_t n_params = type.params.size(), n_results = type.results.size();
  Value inline_args[kMaxInlineValues], inline_results[kMaxInlineValues];
  std::vector<Value> heap_args, heap_results;
  Value* args = inline_args;
  Value* results = inline_results;
  if (n_params > kMaxInlineValues) {
    heap_args.resize(n_params);
    args = heap_args.data();
  }
  if (n_results > kMaxInlineValues) {
    heap_results.resize(n_results);
    results = heap_results.data();
  }
  int w = 0;
  for (size_t i = 0; i < n_params; ++i) {
    const ValType t = type.params[i];
    v8::Local<v8::Value> wire[2] = {info[w]};
    if (t == ValType::kV128) wire[1] = info[w + 1];
    if (!FromWire(self.context_, t, wire, &args[i]))
      return FailHostCall(info, *binding,
                          Fail(ErrorCode::kInternal, "argument " + std::to_string(i) + " is not a " + ValTypeName(t)));
    w += WireCount(t);
  }
  for (size_t i = 0; i < n_results; ++i) {  // Value::Default, in the fewest stores
    results[i].type = type.results[i];
    results[i].of.i64 = 0;
    if (type.results[i] == ValType::kV128) results[i].of.v128 = V128{};
  }

  if (self.memory_) self.memory_->Invalidate();
  Caller caller(self, self.memory_.get(), self.data_);
  Status status =
      binding->def->fn(caller, std::span<const Value>(args, n_params), std::span<Value>(results, n_results));
  if (isolate->IsExecutionTerminating()) return;  // an interrupt is unwinding the guest: let it go on
  if (!status.ok()) return FailHostCall(info, *binding, status.take_error());
  if (n_results == 1 && type.results[0] == ValType::kI32 && results[0].type == ValType::kI32) {  // the hot path
    info.GetReturnValue().Set(results[0].i32());
    return;
  }
  for (size_t i = 0; i < n_results; ++i)
    if (results[i].type != type.results[i])
      return FailHostCall(
          info, *binding,
          Fail(ErrorCode::kInternal, "result " + std::to_string(i) + " is a " + ValTypeName(results[i].type) +
                                         ", not a " + ValTypeName(type.results[i])));
  const size_t wire_results = WireCountOf(type.results);
  if (wire_results == 0) return;
  SmallBuffer<v8::Local<v8::Value>, kMaxInlineValues> wire(wire_results);
  size_t k = 0;
  for (size_t i = 0; i < n_results; ++i) {
    if (!ToWire(isolate, results[i], wire.data() + k))
      return FailHostCall(
          info, *binding,
          Fail(ErrorCode::kInvalidArgument, "result " + std::to_string(i) + " is a function of another context"));
    k += WireCount(type.results[i]);
  }
  if (wire_results == 1) {
    info.GetReturnValue().Set(wire.data()[0]);
    return;
  }
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Array> array = v8::Array::New(isolate, static_cast<int>(wire_results));
  for (uint32_t i = 0; i < wire_results; ++i)
    if (array->Set(context, i, wire.data()[i]).IsNothing()) return;
  info.GetReturnValue().Set(array);
}

}  // namespace capsule::internal
