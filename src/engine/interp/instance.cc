#include "engine/interp/instance.h"

#include <algorithm>
#include <cstring>

#include "engine/interp/interp_engine.h"

namespace capsule::internal::interp {
namespace {

bool TypesMatch(std::span<const Value> values, const std::vector<ValType>& types) {
  if (values.size() != types.size()) return false;
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i].type != types[i]) return false;
  return true;
}

}  // namespace

InterpInstance::InterpInstance(InterpEngine& engine, Executor& executor, std::shared_ptr<const InterpModule> module,
                               std::shared_ptr<const Linker> linker, InstanceData data)
    : Instance(module, std::move(data)),
      engine_(engine),
      executor_(executor),
      module_desc_owner_(*module),
      linker_(std::move(linker)) {}

InterpInstance::~InterpInstance() = default;

Result<std::unique_ptr<Instance>> InterpInstance::Create(InterpEngine& engine, Executor& executor,
                                                         std::shared_ptr<const InterpModule> module,
                                                         std::shared_ptr<const Linker> linker, InstanceData data) {
  std::unique_ptr<InterpInstance> instance(
      new InterpInstance(engine, executor, std::move(module), std::move(linker), std::move(data)));
  if (auto st = instance->Init(); !st) return st.take_error();
  return std::unique_ptr<Instance>(std::move(instance));
}

uint64_t InterpInstance::Evaluate(const ConstExpr& e) const {
  switch (e.kind) {
    case ConstExpr::Kind::kConst: return e.bits;
    case ConstExpr::Kind::kGlobalGet: return globals_[e.index]->bits;
    case ConstExpr::Kind::kRefNull: return 0;
    case ConstExpr::Kind::kRefFunc: return reinterpret_cast<uintptr_t>(funcs_[e.index]);
  }
  return 0;
}

Status InterpInstance::Init() {
  const ModuleDesc& m = module_desc_owner_.desc();
  state_.module = &module_desc_owner_;
  state_.codes = module_desc_owner_.codes();
  state_.owner = this;

  // Imports: only host functions can be provided (the Linker names the first one it cannot bind).
  for (const ImportDesc& imp : m.imports) {
    ImportInfo info{imp.module, imp.name, imp.kind, {}, {}};
    if (imp.kind == ExternKind::kFunc) info.func_type = m.func_type(imp.index);
    auto def = linker_->Resolve(info);
    if (!def) return def.take_error();
    auto e = std::make_unique<FuncEntity>();
    e->type_id = m.type_ids[m.func_types[imp.index]];
    e->type = &m.func_type(imp.index);
    e->instance = &state_;
    e->host = *def;
    funcs_.push_back(e.get());
    entities_.push_back(std::move(e));
  }
  for (uint32_t i = 0; i < m.bodies.size(); ++i) {
    auto e = std::make_unique<FuncEntity>();
    const uint32_t index = m.imported_funcs + i;
    e->type_id = m.type_ids[m.func_types[index]];
    e->type = &m.func_type(index);
    e->instance = &state_;
    e->defined_index = i;
    funcs_.push_back(e.get());
    entities_.push_back(std::move(e));
  }
  state_.funcs = funcs_.data();

  if (!m.memories.empty()) {
    const Limits& l = m.memories[0];
    auto memory = LinearMemory::Create(static_cast<uint32_t>(l.min),
                                       l.max ? std::optional<uint32_t>(static_cast<uint32_t>(*l.max)) : std::nullopt);
    if (!memory) return memory.take_error();
    memory_ = std::move(*memory);
    view_ = std::make_unique<MemoryView>(memory_.get());
    state_.memory = memory_.get();
    state_.mem_base = memory_->base();
  }
  for (const ExportDesc& e : m.exports) exported_memory_ |= e.kind == ExternKind::kMemory;

  for (const TableDesc& t : m.tables) {
    state_.table_elements += t.limits.min;
    if (state_.table_elements > kMaxTableElements)
      return Fail(ErrorCode::kResourceLimit, "tables larger than " + std::to_string(kMaxTableElements) + " elements");
    auto table = std::make_unique<TableInstance>();
    table->type = t.elem;
    table->elems.assign(t.limits.min, 0);
    table->max = t.limits.max;
    table_ptrs_.push_back(table.get());
    tables_.push_back(std::move(table));
  }
  state_.tables = table_ptrs_.data();

  if (auto st = InitGlobals(); !st) return st;
  if (auto st = InitSegments(); !st) return st;

  if (m.start) {
    depth_++;
    TrapCode code = executor_.Invoke(*funcs_[*m.start], {}, {}, nullptr);
    depth_--;
    if (code != TrapCode::kOk) {
      Error e = CallError(code);
      if (e.code == ErrorCode::kTrap) e.message = "start function trapped: " + e.message;
      return e;
    }
  }
  return Status::Ok();
}

Status InterpInstance::InitGlobals() {
  const ModuleDesc& m = module_desc_owner_.desc();
  cells_.resize(m.globals.size());
  for (size_t i = 0; i < m.globals.size(); ++i) globals_.push_back(&cells_[i]);
  state_.globals = globals_.data();
  for (size_t i = m.imported_globals; i < m.globals.size(); ++i) {
    const ConstExpr& init = m.globals[i].init;
    if (init.kind == ConstExpr::Kind::kGlobalGet) {
      cells_[i] = *globals_[init.index];  // all 16 bytes of a v128
    } else {
      cells_[i].bits = Evaluate(init);
      cells_[i].hi = init.hi;
    }
  }
  return Status::Ok();
}

Status InterpInstance::InitSegments() {
  const ModuleDesc& m = module_desc_owner_.desc();
  state_.elem_segments.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    std::vector<uint64_t> items;
    items.reserve(seg.items.size());
    for (const ConstExpr& e : seg.items) items.push_back(Evaluate(e));
    if (seg.mode == ElemSegment::Mode::kActive) {
      const uint64_t offset = static_cast<uint32_t>(Evaluate(seg.offset));
      TableInstance* table = table_ptrs_[seg.table];
      if (offset + items.size() > table->elems.size()) return TrapError(TrapCode::kTableOutOfBounds);
      std::copy(items.begin(), items.end(), table->elems.begin() + static_cast<long>(offset));
    } else if (seg.mode == ElemSegment::Mode::kPassive) {
      state_.elem_segments[i] = std::move(items);
    }
  }
  state_.data_dropped.assign(m.datas.size(), false);
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (!seg.active) continue;
    const uint64_t offset = static_cast<uint32_t>(Evaluate(seg.offset));
    if (offset + seg.size > memory_->size()) return TrapError(TrapCode::kMemoryOutOfBounds);
    if (seg.size) std::memcpy(memory_->base() + offset, m.bytes.data() + seg.begin, seg.size);
    state_.data_dropped[i] = true;
  }
  return Status::Ok();
}

Result<Func> InterpInstance::GetFunc(std::string_view name) {
  const ModuleDesc& m = module_desc_owner_.desc();
  for (const ExportDesc& e : m.exports) {
    if (e.name != name) continue;
    if (e.kind != ExternKind::kFunc)
      return Fail(ErrorCode::kInvalidArgument,
                  "export \"" + std::string(name) + "\" is a " + ExternKindName(e.kind) + ", not a function");
    return Func{e.index, &m.func_type(e.index)};
  }
  return Fail(ErrorCode::kNotFound, "the module exports no function \"" + std::string(name) + "\"");
}

Error InterpInstance::CallError(TrapCode code) {
  healthy_ = false;
  if (code == TrapCode::kHostError) return executor_.TakeHostError();
  return TrapError(code);
}

Status InterpInstance::Call(const Func& f, std::span<const Value> args, std::span<Value> results,
                            const CallOptions& options) {
  if (f.index >= funcs_.size() || !f.type) return Fail(ErrorCode::kInvalidArgument, "invalid function handle");
  const FuncType& type = *funcs_[f.index]->type;
  if (!TypesMatch(args, type.params))
    return Fail(ErrorCode::kInvalidArgument, "arguments do not match " + type.ToString());
  if (results.size() != type.results.size())
    return Fail(ErrorCode::kInvalidArgument, "expected room for " + std::to_string(type.results.size()) + " results");
  const bool outermost = depth_ == 0;
  uint64_t ticket = 0;
  if (outermost) {
    interrupt_->signal.BeginCall();
    if (options.deadline != std::chrono::steady_clock::time_point::max())
      ticket = engine_.watchdog().Arm(options.deadline, interrupt_);
  }
  depth_++;
  const TrapCode code = executor_.Invoke(*funcs_[f.index], args, results, outermost ? &interrupt_->signal : nullptr);
  depth_--;
  if (outermost) {
    if (ticket) engine_.watchdog().Cancel(ticket);
    interrupt_->signal.EndCall();
  }
  if (view_) view_->Invalidate();
  if (code != TrapCode::kOk) return CallError(code);
  return Status::Ok();
}

Status InterpInstance::SaveState() {
  const StateLayout& layout = module_->info().state;
  if (!layout.not_resettable.empty())
    return Fail(ErrorCode::kInvalidArgument, "the instance cannot be reset: the module has " + layout.not_resettable);
  if (!healthy_ || depth_ > 0 || executor_.depth() > 0)
    return Fail(ErrorCode::kInvalidArgument, "the instance's state can only be saved between calls, when healthy");
  if (memory_)
    if (auto st = memory_->SaveImage(); !st) return st;
  saved_globals_ = cells_;
  return Status::Ok();
}

Status InterpInstance::RestoreState() {
  if (!saved_globals_) return Fail(ErrorCode::kInvalidArgument, "no saved state to restore");
  if (!healthy_ || depth_ > 0 || executor_.depth() > 0)
    return Fail(ErrorCode::kInvalidArgument, "the instance's state can only be restored between calls, when healthy");
  if (memory_)
    if (auto st = memory_->RestoreImage(); !st) return st;
  cells_ = *saved_globals_;
  if (view_) view_->Invalidate();
  return Status::Ok();
}

}  // namespace capsule::internal::interp
