// InterpInstance's calls, exports and saved state.
#include "engine/interp/instance.h"

#include "engine/interp/interp_engine.h"
#include "engine/interp/objects.h"
#include "engine/interp/slots.h"

namespace capsule::internal::interp {
namespace {

// Whether each funcref among args is a function of life's context.
[[gnu::noinline]] bool FuncRefsAreOurs(std::span<const Value> args, const ContextLife* life) {
  for (const Value& v : args)
    if (!Storable(v, life)) return false;
  return true;
}

// Whether args are of types, each funcref among them a function of life's context.
inline bool ArgsFit(std::span<const Value> args, const std::vector<ValType>& types, const ContextLife* life) {
  if (args.size() != types.size()) return false;
  bool refs = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != types[i]) return false;
    refs |= types[i] == ValType::kFuncRef;
  }
  return !refs || FuncRefsAreOurs(args, life);
}

// Why args do not fit types.
[[gnu::noinline]] Error ArgsError(std::span<const Value> args, const std::vector<ValType>& types) {
  bool typed = args.size() == types.size();
  for (size_t i = 0; typed && i < args.size(); ++i) typed = args[i].type == types[i];
  if (!typed) return Fail(ErrorCode::kInvalidArgument, "arguments do not match " + FuncType{types, {}}.ToString());
  return Fail(ErrorCode::kInvalidArgument, "a funcref argument is not a function of this context");
}

}  // namespace

InterpInstance::~InterpInstance() {
  state_->owner = nullptr;
  if (state_->escaped) context_.Keep(std::move(state_));
}

Result<Func> InterpInstance::GetFunc(std::string_view name) {
  const ModuleDesc& m = desc();
  for (const ExportDesc& e : m.exports) {
    if (e.name != name) continue;
    if (e.kind != ExternKind::kFunc)
      return Fail(ErrorCode::kInvalidArgument,
                  "export \"" + std::string(name) + "\" is a " + ExternKindName(e.kind) + ", not a function");
    return Func{e.index, &m.func_type(e.index)};
  }
  return Fail(ErrorCode::kNotFound, "the module exports no function \"" + std::string(name) + "\"");
}

Result<Extern> InterpInstance::GetExport(std::string_view name) {
  const ModuleDesc& m = desc();
  InstanceState& s = *state_;
  for (const ExportDesc& e : m.exports) {
    if (e.name != name) continue;
    switch (e.kind) {
      case ExternKind::kFunc: return Extern(HandOut(s.funcs[e.index]));
      case ExternKind::kTable:
        s.escaped = true;  // its elements may be this instance's functions
        return Extern(std::shared_ptr<Table>(s.table_objects[e.index]));
      case ExternKind::kMemory:
        if (!memory_tracked_) context_.Track(s.memory_object);
        memory_tracked_ = true;
        return Extern(std::shared_ptr<Memory>(s.memory_object));
      case ExternKind::kGlobal: {
        s.escaped = true;  // the global object reads this instance's cell
        auto& global = s.global_objects[e.index];
        if (!global) {
          const GlobalDesc& g = m.globals[e.index];
          global = std::make_shared<InterpGlobal>(GlobalType{g.type, g.mutable_}, s.globals[e.index], context_.life());
        }
        return Extern(std::shared_ptr<Global>(global));
      }
      case ExternKind::kTag: break;
    }
    return Fail(ErrorCode::kInternal, "export \"" + e.name + "\" is of a kind the interpreter does not have");
  }
  return Fail(ErrorCode::kNotFound, "the module exports nothing named \"" + std::string(name) + "\"");
}

uint64_t InterpInstance::ArmDeadline(std::chrono::steady_clock::time_point deadline) {
  return context_.engine().watchdog().Arm(deadline, interrupt_);
}

void InterpInstance::CancelDeadline(uint64_t ticket) {
  context_.engine().watchdog().Cancel(ticket);
}

Error InterpInstance::CallError(TrapCode code, std::string_view details) {
  healthy_ = false;
  if (code == TrapCode::kHostError) return executor_.TakeHostError();
  return TrapError(code, details);
}

Status InterpInstance::Call(const Func& f, std::span<const Value> args, std::span<Value> results,
                            const CallOptions& options) {
  if (f.index >= state_->func_list.size() || !f.type)
    return Fail(ErrorCode::kInvalidArgument, "invalid function handle");
  const FuncEntity& entity = *state_->funcs[f.index];
  const FuncType& type = *entity.func_type;
  if (!ArgsFit(args, type.params, state_->life)) [[unlikely]]
    return ArgsError(args, type.params);
  if (results.size() != type.results.size())
    return Fail(ErrorCode::kInvalidArgument, "expected room for " + std::to_string(type.results.size()) + " results");
  const TrapCode code = Run(entity, args, results, options);
  if (code != TrapCode::kOk) return CallError(code);
  return Status::Ok();
}

Status InterpInstance::SaveState() {
  const StateLayout& layout = module_->info().state;
  if (!layout.not_resettable.empty())
    return Fail(ErrorCode::kInvalidArgument, "the instance cannot be reset: the module has " + layout.not_resettable);
  if (!healthy_ || depth_ > 0 || executor_.depth() > 0)
    return Fail(ErrorCode::kInvalidArgument, "the instance's state can only be saved between calls, when healthy");
  if (state_->memory_object)
    if (auto st = state_->memory_object->linear().SaveImage(); !st) return st;
  saved_globals_ = state_->cells;
  return Status::Ok();
}

Status InterpInstance::RestoreState() {
  if (!saved_globals_) return Fail(ErrorCode::kInvalidArgument, "no saved state to restore");
  if (!healthy_ || depth_ > 0 || executor_.depth() > 0)
    return Fail(ErrorCode::kInvalidArgument, "the instance's state can only be restored between calls, when healthy");
  if (state_->memory_object)
    if (auto st = state_->memory_object->linear().RestoreImage(); !st) return st;
  state_->cells = *saved_globals_;
  return Status::Ok();
}

}  // namespace capsule::internal::interp
