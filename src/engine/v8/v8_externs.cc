// The V8 backend's objects of a context: functions, memories, tables and globals (each one object per JS object,
// interned by identity), the host-made ones (NewMemory / NewTable / NewGlobal) and the helper modules behind them.
#include <string>

#include "engine/v8/trampoline_wasm.h"
#include "engine/v8/v8_internal.h"

namespace capsule::internal {
namespace {

std::string Text(v8::Isolate* isolate, v8::Local<v8::Value> v) {
  v8::String::Utf8Value text(isolate, v);
  return *text ? *text : "";
}

// The JS API's name of a value type ("anyfunc" for funcref: V8 10.2's tables and globals know that spelling).
const char* JsTypeName(ValType t) {
  return t == ValType::kFuncRef ? "anyfunc" : ValTypeName(t);
}

std::optional<ValType> ValTypeFromJs(const std::string& name) {
  for (ValType t : {ValType::kI32, ValType::kI64, ValType::kF32, ValType::kF64, ValType::kV128, ValType::kFuncRef,
                    ValType::kExternRef})
    if (name == ValTypeName(t)) return t;
  if (name == "anyfunc") return ValType::kFuncRef;
  if (name == "s128") return ValType::kV128;  // V8 10.2's type reflection
  return std::nullopt;
}

Error V8Failed(JsScope& js, const std::string& what) {
  std::string text = js.try_catch.HasCaught() ? ": " + Text(js.isolate, js.try_catch.Exception()) : "";
  return Fail(ErrorCode::kInternal, "V8 could not " + what + text);
}

Result<v8::Local<v8::Value>> Property(JsScope& js, v8::Local<v8::Object> obj, const char* name) {
  v8::Local<v8::Value> v;
  if (!obj->Get(js.context, Str(js.isolate, name)).ToLocal(&v)) return V8Failed(js, std::string("read ") + name);
  return v;
}

// obj.name(args...): its result, or the exception's text as an error of code.
Result<v8::Local<v8::Value>> CallMethod(JsScope& js, v8::Local<v8::Object> obj, const char* name,
                                        std::span<v8::Local<v8::Value>> args, ErrorCode code) {
  auto method = Property(js, obj, name);
  if (!method) return method.take_error();
  v8::Local<v8::Value> result;
  if (!(*method)->IsFunction() ||
      !method->As<v8::Function>()->Call(js.context, obj, static_cast<int>(args.size()), args.data()).ToLocal(&result)) {
    std::string text = js.try_catch.HasCaught() ? Text(js.isolate, js.try_catch.Exception()) : "no method";
    js.try_catch.Reset();
    return Fail(code, text);
  }
  return result;
}

// An optional unsigned integer property ("maximum" of a type reflection).
Result<std::optional<uint64_t>> OptionalCount(JsScope& js, v8::Local<v8::Object> obj, const char* name) {
  auto v = Property(js, obj, name);
  if (!v) return v.take_error();
  if ((*v)->IsUndefined()) return std::optional<uint64_t>();
  if (!(*v)->IsNumber()) return V8Failed(js, std::string("read the number ") + name);
  return std::optional<uint64_t>(static_cast<uint64_t>(v->As<v8::Number>()->Value()));
}

// obj.type(): V8's type reflection of a memory, table or global.
Result<v8::Local<v8::Object>> ReflectType(JsScope& js, v8::Local<v8::Object> obj) {
  auto type = CallMethod(js, obj, "type", {}, ErrorCode::kInternal);
  if (!type) return type.take_error();
  if (!(*type)->IsObject()) return V8Failed(js, "reflect a type");
  return type->As<v8::Object>();
}

Result<ValType> ValTypeProperty(JsScope& js, v8::Local<v8::Object> obj, const char* name) {
  auto v = Property(js, obj, name);
  if (!v) return v.take_error();
  auto t = ValTypeFromJs(Text(js.isolate, *v));
  if (!t) return V8Failed(js, "understand the value type " + Text(js.isolate, *v));
  return *t;
}

// The value types of a JS array of type names.
Result<std::vector<ValType>> ValTypeList(JsScope& js, v8::Local<v8::Value> list) {
  if (!list->IsArray()) return V8Failed(js, "reflect a function type");
  v8::Local<v8::Array> array = list.As<v8::Array>();
  std::vector<ValType> types;
  for (uint32_t i = 0; i < array->Length(); ++i) {
    v8::Local<v8::Value> item;
    if (!array->Get(js.context, i).ToLocal(&item)) return V8Failed(js, "reflect a function type");
    auto t = ValTypeFromJs(Text(js.isolate, item));
    if (!t) return V8Failed(js, "understand the value type " + Text(js.isolate, item));
    types.push_back(*t);
  }
  return types;
}

// A plain object with these properties (a JS API descriptor, an import object).
using Fields = std::vector<std::pair<const char*, v8::Local<v8::Value>>>;
v8::Local<v8::Object> MakeObject(v8::Isolate* isolate, const Fields& fields) {
  std::vector<v8::Local<v8::Name>> names;
  std::vector<v8::Local<v8::Value>> values;
  for (const auto& [name, value] : fields) {
    names.push_back(Str(isolate, name));
    values.push_back(value);
  }
  return v8::Object::New(isolate, v8::Null(isolate), names.data(), values.data(), fields.size());
}

// {initial: min, maximum: max} and the other fields.
v8::Local<v8::Object> LimitsDescriptor(v8::Isolate* isolate, const Limits& limits, Fields fields = {}) {
  fields.emplace_back("initial", v8::Number::New(isolate, static_cast<double>(limits.min)));
  if (limits.max) fields.emplace_back("maximum", v8::Number::New(isolate, static_cast<double>(*limits.max)));
  return MakeObject(isolate, fields);
}

v8::Local<v8::Value> Count(v8::Isolate* isolate, uint64_t n) {
  return v8::Number::New(isolate, static_cast<double>(n));
}

Error TableOutOfBounds(uint64_t index, uint64_t size) {
  return Fail(ErrorCode::kTrap, TrapMessage(TrapKind::kTableOutOfBounds,
                                            "index " + std::to_string(index) + ", size " + std::to_string(size)));
}

Error WrongType(const char* what, ValType want, ValType got) {
  return Fail(ErrorCode::kInvalidArgument,
              std::string(what) + " takes " + ValTypeName(want) + ", not " + ValTypeName(got));
}

}  // namespace

template <class Map, class Make>
auto V8Context::Intern(Map& map, v8::Local<v8::Object> obj, Make make) -> decltype(make()) {
  const int hash = obj->GetIdentityHash();
  auto [it, end] = map.by_hash.equal_range(hash);
  while (it != end) {
    auto entry = it->second.lock();
    if (!entry) {
      it = map.by_hash.erase(it);
      continue;
    }
    if (entry->object() == obj) return entry;
    ++it;
  }
  auto made = make();
  if (!made) return made;
  map.by_hash.emplace(hash, *made);
  if (map.by_hash.size() >= map.prune_at) {  // amortized: the map stays within twice its live objects
    std::erase_if(map.by_hash, [](const auto& entry) { return entry.second.expired(); });
    map.prune_at = std::max<size_t>(64, 2 * map.by_hash.size());
  }
  return made;
}

Result<const V8Function*> V8Context::InternFunction(v8::Local<v8::Function> fn, const FuncType* known) {
  const int hash = fn->GetIdentityHash();
  for (auto [it, end] = functions_.equal_range(hash); it != end; ++it)
    if (it->second->Get() == fn) return it->second.get();
  FuncType type;
  if (known) {
    type = *known;
  } else {
    JsScope js(*this);
    v8::Local<v8::Value> argv[] = {fn};
    v8::Local<v8::Value> reflected;
    if (function_type_.IsEmpty() ||
        !function_type_.Get(isolate_)->Call(js.context, v8::Undefined(isolate_), 1, argv).ToLocal(&reflected) ||
        !reflected->IsObject())
      return V8Failed(js, "reflect the type of a function");
    for (auto [list, name] : {std::pair{&type.params, "parameters"}, std::pair{&type.results, "results"}}) {
      auto names = Property(js, reflected.As<v8::Object>(), name);
      if (!names) return names.take_error();
      auto types = ValTypeList(js, *names);
      if (!types) return types.take_error();
      *list = std::move(*types);
    }
  }
  auto& entry = functions_.emplace(hash, std::make_unique<V8Function>(isolate_, fn, std::move(type)))->second;
  return entry.get();
}

Result<std::shared_ptr<V8Memory>> V8Context::AdoptMemory(std::shared_ptr<V8Memory> memory) {
  return Intern(memories_, memory->object(), [&]() -> Result<std::shared_ptr<V8Memory>> { return memory; });
}

Result<std::shared_ptr<V8Memory>> V8Context::InternMemory(v8::Local<v8::Object> memory) {
  return Intern(memories_, memory, [&]() -> Result<std::shared_ptr<V8Memory>> {
    JsScope js(*this);
    auto type = ReflectType(js, memory);
    if (!type) return type.take_error();
    auto max = OptionalCount(js, *type, "maximum");
    if (!max) return max.take_error();
    return std::make_shared<V8Memory>(*this, memory, *max);
  });
}

Result<std::shared_ptr<V8Table>> V8Context::InternTable(v8::Local<v8::Object> table) {
  return Intern(tables_, table, [&]() -> Result<std::shared_ptr<V8Table>> {
    JsScope js(*this);
    auto type = ReflectType(js, table);
    if (!type) return type.take_error();
    auto element = ValTypeProperty(js, *type, "element");
    auto max = OptionalCount(js, *type, "maximum");
    if (!element) return element.take_error();
    if (!max) return max.take_error();
    return std::make_shared<V8Table>(*this, table, *element, *max);
  });
}

Result<std::shared_ptr<V8Global>> V8Context::InternGlobal(v8::Local<v8::Object> global) {
  return Intern(globals_, global, [&]() -> Result<std::shared_ptr<V8Global>> {
    JsScope js(*this);
    auto type = ReflectType(js, global);
    if (!type) return type.take_error();
    auto value = ValTypeProperty(js, *type, "value");
    auto is_mutable = Property(js, *type, "mutable");
    if (!value) return value.take_error();
    if (!is_mutable) return is_mutable.take_error();
    return std::make_shared<V8Global>(*this, global, GlobalType{*value, (*is_mutable)->IsTrue()});
  });
}

Result<v8::Local<v8::Object>> V8Context::InstantiateHelper(const std::vector<uint8_t>& bytes,
                                                           v8::Local<v8::Object> imports, bool cache) {
  v8::Local<v8::Context> context = this->context();
  v8::EscapableHandleScope scope(isolate_);
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::WasmModuleObject> module;
  const std::string key = cache ? std::string(bytes.begin(), bytes.end()) : std::string();
  auto cached = cache ? helper_modules_.find(key) : helper_modules_.end();
  if (cached != helper_modules_.end()) {
    module = cached->second.Get(isolate_);
  } else {
    if (!v8::WasmModuleObject::Compile(isolate_, v8::MemorySpan<const uint8_t>(bytes.data(), bytes.size()))
             .ToLocal(&module))
      return Fail(ErrorCode::kInternal,
                  "V8 could not compile a trampoline: " + ExceptionText(isolate_, context, try_catch));
    if (cache) helper_modules_[key].Reset(isolate_, module);
  }
  v8::Local<v8::Value> argv[] = {module, MakeObject(isolate_, {{"", imports}})};
  v8::Local<v8::Object> instance;
  v8::Local<v8::Value> exports;
  if (!instance_constructor_.Get(isolate_)->NewInstance(context, 2, argv).ToLocal(&instance) || try_catch.HasCaught() ||
      !instance->Get(context, Str(isolate_, "exports")).ToLocal(&exports) || !exports->IsObject())
    return Fail(ErrorCode::kInternal,
                "V8 could not instantiate a trampoline: " + ExceptionText(isolate_, context, try_catch));
  return scope.Escape(exports.As<v8::Object>());
}

Result<v8::Local<v8::Object>> V8Context::Construct(const char* what, std::span<v8::Local<v8::Value>> args) {
  v8::Local<v8::Context> context = this->context();
  v8::EscapableHandleScope scope(isolate_);
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Value> ctor;
  v8::Local<v8::Object> made;
  if (!wasm_namespace_.Get(isolate_)->Get(context, Str(isolate_, what)).ToLocal(&ctor) || !ctor->IsFunction())
    return Fail(ErrorCode::kInternal, std::string("V8 has no WebAssembly.") + what);
  if (!ctor.As<v8::Function>()->NewInstance(context, static_cast<int>(args.size()), args.data()).ToLocal(&made) ||
      try_catch.HasCaught()) {
    std::string text = ExceptionText(isolate_, context, try_catch);
    const bool oom = text.find("Out of memory") != std::string::npos || text.find("allocate") != std::string::npos;
    return Fail(oom ? ErrorCode::kResourceLimit : ErrorCode::kInvalidArgument,
                std::string("cannot make a WebAssembly.") + what + ": " + text);
  }
  return scope.Escape(made);
}

std::vector<std::span<const uint8_t>> V8Context::ModuleBytes() const {
  std::vector<std::span<const uint8_t>> bytes;
  for (const auto& [key, cached] : modules_) bytes.push_back(cached.module->wire_bytes());
  return bytes;
}

Result<V8HostBinding*> V8Context::BindHostFunction(V8Instance& instance, const HostFuncDef& def, int length) {
  auto owned = std::make_unique<V8HostBinding>(V8HostBinding{&instance, &def, this, {}});
  v8::Local<v8::Function> fn;
  if (!v8::Function::New(context(), V8Instance::HostTrampoline, v8::External::New(isolate_, owned.get()), length,
                         v8::ConstructorBehavior::kThrow)
           .ToLocal(&fn))
    return Fail(ErrorCode::kInternal, "V8 could not create host function " + def.name);
  V8HostBinding* binding = owned.release();
  binding->fn.Reset(isolate_, fn);
  binding->fn.SetWeak(
      binding,
      [](const v8::WeakCallbackInfo<V8HostBinding>& info) {
        V8HostBinding* collected = info.GetParameter();
        collected->fn.Reset();
        collected->context->Unlink(collected);
        delete collected;
      },
      v8::WeakCallbackType::kParameter);
  binding->next = bindings_;
  if (bindings_) bindings_->prev = binding;
  bindings_ = binding;
  return binding;
}

void V8Context::Unlink(V8HostBinding* binding) {
  if (binding->prev) binding->prev->next = binding->next;
  if (binding->next) binding->next->prev = binding->prev;
  if (bindings_ == binding) bindings_ = binding->next;
}

Result<std::shared_ptr<Memory>> V8Context::NewMemory(const Limits& limits) {
  constexpr uint64_t kMaxPages = 65536;
  if (limits.min > kMaxPages || (limits.max && (*limits.max < limits.min || *limits.max > kMaxPages)))
    return Fail(ErrorCode::kInvalidArgument, "memory limits " + limits.ToString() + " are not valid");
  JsScope js(*this);
  v8::Local<v8::Value> argv[] = {LimitsDescriptor(isolate_, limits)};
  auto memory = Construct("Memory", argv);
  if (!memory) return memory.take_error();
  auto interned = InternMemory(*memory);
  if (!interned) return interned.take_error();
  return std::shared_ptr<Memory>(*interned);
}

Result<std::shared_ptr<Table>> V8Context::NewTable(const TableType& type, const Value& init) {
  if (!IsRefType(type.element)) return Fail(ErrorCode::kInvalidArgument, "a table holds references only");
  if (init.type != type.element) return WrongType("the table", type.element, init.type);
  if (type.limits.max && *type.limits.max < type.limits.min)
    return Fail(ErrorCode::kInvalidArgument, "table limits " + type.limits.ToString() + " are not valid");
  JsScope js(*this);
  v8::Local<v8::Value> argv[2] = {
      LimitsDescriptor(isolate_, type.limits, {{"element", Str(isolate_, JsTypeName(type.element))}})};
  if (!RefToJs(isolate_, init, &argv[1]))
    return Fail(ErrorCode::kInvalidArgument, "the table's init is a function of another context");
  auto table = Construct("Table", argv);
  if (!table) return table.take_error();
  auto interned = InternTable(*table);
  if (!interned) return interned.take_error();
  return std::shared_ptr<Table>(*interned);
}

Result<std::shared_ptr<Global>> V8Context::NewGlobal(const GlobalType& type, const Value& value) {
  if (value.type != type.type) return WrongType("the global", type.type, value.type);
  JsScope js(*this);
  v8::Local<v8::Object> global;
  if (NeedsWire(type.type)) {
    // JS would round the bits: a module whose global starts with them.
    auto exports = InstantiateHelper(GlobalConstantModule(type, value), v8::Object::New(isolate_), /*cache=*/false);
    if (!exports) return exports.take_error();
    auto g = Property(js, *exports, "g");
    if (!g) return g.take_error();
    global = g->As<v8::Object>();
  } else {
    v8::Local<v8::Value> argv[2] = {MakeObject(isolate_, {{"value", Str(isolate_, JsTypeName(type.type))},
                                                          {"mutable", v8::Boolean::New(isolate_, type.is_mutable)}})};
    if (!ToWire(isolate_, value, &argv[1]))
      return Fail(ErrorCode::kInvalidArgument, "the global's value is a function of another context");
    auto made = Construct("Global", argv);
    if (!made) return made.take_error();
    global = *made;
  }
  auto interned = InternGlobal(global);
  if (!interned) return interned.take_error();
  if (type == GlobalType{ValType::kV128, false}) (*interned)->SetConstant(value.v128());
  return std::shared_ptr<Global>(*interned);
}

void V8Memory::Refresh(uint8_t*& base, size_t& size) {
  if (!context()) {
    base = nullptr;
    size = 0;
    return;
  }
  v8::Isolate* isolate = context()->isolate();
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handles(isolate);
  v8::Local<v8::ArrayBuffer> buffer = object().As<v8::WasmMemoryObject>()->Buffer();
  base = static_cast<uint8_t*>(buffer->Data());
  size = buffer->ByteLength();
}

Result<uint64_t> V8Memory::Grow(uint64_t delta_pages) {
  if (!context()) return Gone();
  const uint64_t old_pages = size() / kPageSize;
  const uint64_t max = max_.value_or(65536);
  if (delta_pages > max || old_pages > max - delta_pages)
    return Fail(ErrorCode::kResourceLimit, "memory of " + std::to_string(old_pages) + " pages cannot grow by " +
                                               std::to_string(delta_pages) + " (maximum " + std::to_string(max) + ")");
  JsScope js(*context());
  v8::Local<v8::Value> argv[] = {Count(js.isolate, delta_pages)};
  auto old = CallMethod(js, object(), "grow", argv, ErrorCode::kResourceLimit);
  Invalidate();
  if (!old) return old.take_error();
  return static_cast<uint64_t>(old->As<v8::Number>()->Value());
}

uint64_t V8Table::size() {
  if (!context()) return 0;
  JsScope js(*context());
  auto length = Property(js, object(), "length");
  return length && (*length)->IsNumber() ? static_cast<uint64_t>(length->As<v8::Number>()->Value()) : 0;
}

Result<Value> V8Table::Get(uint64_t index) {
  if (!context()) return Gone();
  const uint64_t n = size();
  if (index >= n) return TableOutOfBounds(index, n);
  JsScope js(*context());
  v8::Local<v8::Value> argv[] = {Count(js.isolate, index)};
  auto element = CallMethod(js, object(), "get", argv, ErrorCode::kInternal);
  if (!element) return element.take_error();
  Value v;
  if (!FromWire(*context(), element_, &*element, &v))
    return Fail(ErrorCode::kInternal, "the table holds a value the host cannot represent");
  return v;
}

Status V8Table::Set(uint64_t index, const Value& value) {
  if (!context()) return Gone();
  if (value.type != element_) return WrongType("the table", element_, value.type);
  const uint64_t n = size();
  if (index >= n) return TableOutOfBounds(index, n);
  JsScope js(*context());
  v8::Local<v8::Value> argv[2] = {Count(js.isolate, index)};
  if (!RefToJs(js.isolate, value, &argv[1]))
    return Fail(ErrorCode::kInvalidArgument, "a function of another context cannot go into this table");
  auto done = CallMethod(js, object(), "set", argv, ErrorCode::kInternal);
  if (!done) return done.take_error();
  return Status::Ok();
}

Result<uint64_t> V8Table::Grow(uint64_t delta, const Value& init) {
  if (!context()) return Gone();
  if (init.type != element_) return WrongType("the table", element_, init.type);
  JsScope js(*context());
  v8::Local<v8::Value> argv[2] = {Count(js.isolate, delta)};
  if (!RefToJs(js.isolate, init, &argv[1]))
    return Fail(ErrorCode::kInvalidArgument, "a function of another context cannot go into this table");
  auto old = CallMethod(js, object(), "grow", argv, ErrorCode::kResourceLimit);
  if (!old) return old.take_error();
  return static_cast<uint64_t>(old->As<v8::Number>()->Value());
}

Status V8Global::MakeAccessors(JsScope& js) {
  if (!get_.IsEmpty()) return Status::Ok();
  auto exports = context()->InstantiateHelper(GlobalAccessorModule(type_), MakeObject(js.isolate, {{"g", object()}}));
  if (!exports) return exports.take_error();
  for (auto [slot, name] : {std::pair{&get_, "get"}, std::pair{&set_, "set"}}) {
    if (slot == &set_ && !type_.is_mutable) break;
    auto fn = Property(js, *exports, name);
    if (!fn) return fn.take_error();
    slot->Reset(js.isolate, fn->As<v8::Function>());
  }
  return Status::Ok();
}

Result<Value> V8Global::Get() {
  if (!context()) return Gone();
  if (type_ == GlobalType{ValType::kV128, false}) {
    if (!constant_)
      return Fail(ErrorCode::kInternal, "V8 10.2 cannot read an immutable v128 global it did not see initialized");
    return Value::V128(*constant_);
  }
  JsScope js(*context());
  v8::Local<v8::Value> wire[2];
  if (NeedsWire(type_.type)) {
    if (auto st = MakeAccessors(js); !st) return st.take_error();
    v8::Local<v8::Value> result;
    if (!get_.Get(js.isolate)->Call(js.context, v8::Undefined(js.isolate), 0, nullptr).ToLocal(&result))
      return V8Failed(js, "read a global");
    wire[0] = result;
    if (WireCount(type_.type) == 2) {
      if (!result->IsArray() || !result.As<v8::Array>()->Get(js.context, 0).ToLocal(&wire[0]) ||
          !result.As<v8::Array>()->Get(js.context, 1).ToLocal(&wire[1]))
        return V8Failed(js, "read a v128 global");
    }
  } else {
    auto value = Property(js, object(), "value");
    if (!value) return value.take_error();
    wire[0] = *value;
  }
  Value v;
  if (!FromWire(*context(), type_.type, wire, &v))
    return Fail(ErrorCode::kInternal, "the global holds a value the host cannot represent");
  return v;
}

Status V8Global::Set(const Value& value) {
  if (!context()) return Gone();
  if (!type_.is_mutable) return Fail(ErrorCode::kInvalidArgument, "the global is immutable");
  if (value.type != type_.type) return WrongType("the global", type_.type, value.type);
  JsScope js(*context());
  v8::Local<v8::Value> wire[2];
  if (!ToWire(js.isolate, value, wire))
    return Fail(ErrorCode::kInvalidArgument, "a function of another context cannot go into this global");
  if (NeedsWire(type_.type)) {
    if (auto st = MakeAccessors(js); !st) return st.take_error();
    v8::Local<v8::Value> ignored;
    if (!set_.Get(js.isolate)
             ->Call(js.context, v8::Undefined(js.isolate), WireCount(type_.type), wire)
             .ToLocal(&ignored))
      return V8Failed(js, "set a global");
  } else if (object()->Set(js.context, Str(js.isolate, "value"), wire[0]).IsNothing()) {
    return V8Failed(js, "set a global");
  }
  return Status::Ok();
}

}  // namespace capsule::internal
