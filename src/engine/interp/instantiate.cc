// Instantiation of an InterpModule, step by step as WebAssembly 2.0 says: imports are bound (host functions become
// entities of this instance, objects are used as they are), the memory, tables and globals the module defines are
// made, element and data segments are written in order (those before a failing one stay written, in imported
// tables and memories too), and the start function runs.
#include <algorithm>
#include <cstring>

#include "engine/interp/instance.h"
#include "engine/interp/interp_engine.h"
#include "engine/interp/objects.h"
#include "engine/interp/slots.h"

namespace capsule::internal::interp {
namespace {

Error OtherContext(const ImportInfo& import) {
  return Fail(ErrorCode::kLinkError,
              "import \"" + import.module + "\".\"" + import.name + "\" is bound to an object of another context");
}

}  // namespace

InterpInstance::InterpInstance(InterpContext& context, std::shared_ptr<const InterpModule> module,
                               std::shared_ptr<const Linker> linker, InstanceData data)
    : Instance(module, std::move(data)),
      context_(context),
      executor_(context.executor()),
      linker_(std::move(linker)),
      state_(std::make_unique<InstanceState>()) {
  state_->module = module.get();
  state_->codes = module->codes();
  state_->owner = this;
  state_->life = context.life().get();
  state_->module_ref = std::move(module);
}

Result<std::unique_ptr<Instance>> InterpInstance::Create(InterpContext& context,
                                                         std::shared_ptr<const InterpModule> module,
                                                         std::shared_ptr<const Linker> linker, InstanceData data,
                                                         const CallOptions& options) {
  std::unique_ptr<InterpInstance> instance(
      new InterpInstance(context, std::move(module), std::move(linker), std::move(data)));
  if (auto st = instance->LinkImports(); !st) return st.take_error();
  if (auto st = instance->MakeDefined(); !st) return st.take_error();
  if (auto st = instance->InitSegments(); !st) return st.take_error();
  if (auto st = instance->RunStart(options); !st) return st.take_error();
  return std::unique_ptr<Instance>(std::move(instance));
}

Status InterpInstance::LinkImports() {
  const ModuleDesc& m = desc();
  const std::vector<ImportInfo>& infos = module_->imports();  // the same imports, with their types
  InstanceState& s = *state_;
  const size_t funcs = m.func_types.size();
  s.entities.reset(new FuncEntity[funcs]);
  s.func_list.resize(funcs);
  s.table_list.resize(m.tables.size());
  s.table_objects.resize(m.tables.size());
  s.global_list.resize(m.globals.size());
  s.global_objects.resize(m.globals.size());
  s.funcs = s.func_list.data();
  s.tables = s.table_list.data();
  s.globals = s.global_list.data();
  if (infos.size() != m.imports.size()) return Fail(ErrorCode::kInternal, "the module's imports were read twice apart");

  for (size_t i = 0; i < m.imports.size(); ++i) {
    const ImportDesc& imp = m.imports[i];
    auto binding = linker_->Resolve(infos[i]);
    if (!binding) return binding.take_error();
    if (binding->host) {  // a host function, bound to this instance
      FuncEntity& e = s.entities[imp.index];
      e.type_id = m.type_ids[m.func_types[imp.index]];
      e.func_type = &m.func_type(imp.index);
      e.instance = &s;
      e.host = binding->host;
      s.func_list[imp.index] = &e;
      continue;
    }
    const Extern& object = *binding->object;
    switch (imp.kind) {
      case ExternKind::kFunc: {
        bool ok = true;
        FuncEntity* e = EntityOf(Value::FuncRef(object.function()), s.life, ok);
        if (!ok || !e) return OtherContext(infos[i]);
        s.func_list[imp.index] = e;
        break;
      }
      case ExternKind::kTable: {
        auto table = std::dynamic_pointer_cast<InterpTable>(object.table());
        if (!table || table->life() != s.life) return OtherContext(infos[i]);
        s.table_list[imp.index] = &table->table();
        s.escaped |= table->table().type == ValType::kFuncRef;  // its functions may go in there
        s.table_objects[imp.index] = std::move(table);
        break;
      }
      case ExternKind::kMemory: {
        auto memory = std::dynamic_pointer_cast<InterpMemory>(object.memory());
        if (!memory || memory->life() != s.life) return OtherContext(infos[i]);
        s.memory = &memory->linear();
        s.mem_base = s.memory->base();
        s.memory_object = std::move(memory);
        memory_ = s.memory_object.get();
        break;
      }
      case ExternKind::kGlobal: {
        auto global = std::dynamic_pointer_cast<InterpGlobal>(object.global());
        if (!global || global->life() != s.life) return OtherContext(infos[i]);
        s.global_list[imp.index] = global->cell();
        const GlobalType type = global->type();
        s.escaped |= type.is_mutable && type.type == ValType::kFuncRef;
        s.global_objects[imp.index] = std::move(global);
        break;
      }
      case ExternKind::kTag: return Fail(ErrorCode::kLinkError, "tags cannot be imported");
    }
  }
  return Status::Ok();
}

Status InterpInstance::MakeDefined() {
  const ModuleDesc& m = desc();
  InstanceState& s = *state_;
  for (uint32_t i = 0; i < m.bodies.size(); ++i) {
    const uint32_t index = m.imported_funcs + i;
    FuncEntity& e = s.entities[index];
    e.type_id = m.type_ids[m.func_types[index]];
    e.func_type = &m.func_type(index);
    e.instance = &s;
    e.defined_index = i;
    s.func_list[index] = &e;
  }

  if (m.memories.size() > m.imported_memories) {
    auto memory = MakeMemory(m.memories[m.imported_memories], context_.life());
    if (!memory) return memory.take_error();
    s.memory_object = std::move(*memory);
    s.memory = &s.memory_object->linear();
    s.mem_base = s.memory->base();
    for (const ExportDesc& e : m.exports)
      if (e.kind == ExternKind::kMemory) memory_ = s.memory_object.get();
  }

  if (m.tables.size() > m.imported_tables) {
    auto budget = std::make_shared<TableBudget>();
    for (size_t i = m.imported_tables; i < m.tables.size(); ++i) {
      const TableDesc& t = m.tables[i];
      budget->elements += t.limits.min;
      if (budget->elements > kMaxTableElements)
        return Fail(ErrorCode::kResourceLimit, "tables larger than " + std::to_string(kMaxTableElements) + " elements");
      TableInstance table{t.elem, std::vector<uint64_t>(t.limits.min, 0), t.limits.max, budget};
      s.table_objects[i] = std::make_shared<InterpTable>(std::move(table), context_.life());
      s.table_list[i] = &s.table_objects[i]->table();
    }
  }

  s.cells.resize(m.globals.size() - m.imported_globals);
  for (size_t i = m.imported_globals; i < m.globals.size(); ++i) {
    GlobalCell& cell = s.cells[i - m.imported_globals];
    s.global_list[i] = &cell;
    const ConstExpr& init = m.globals[i].init;
    if (init.kind == ConstExpr::Kind::kGlobalGet) {
      cell = *s.global_list[init.index];  // all 16 bytes of a v128
    } else {
      cell.bits = Evaluate(init);
      cell.hi = init.hi;
    }
  }
  return Status::Ok();
}

uint64_t InterpInstance::Evaluate(const ConstExpr& e) const {
  switch (e.kind) {
    case ConstExpr::Kind::kConst: return e.bits;
    case ConstExpr::Kind::kGlobalGet: return state_->globals[e.index]->bits;
    case ConstExpr::Kind::kRefNull: return 0;
    case ConstExpr::Kind::kRefFunc: return reinterpret_cast<uintptr_t>(state_->funcs[e.index]);
  }
  return 0;
}

Status InterpInstance::InitSegments() {
  const ModuleDesc& m = desc();
  InstanceState& s = *state_;
  s.elem_segments.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == ElemSegment::Mode::kDeclarative) continue;  // dropped at once
    std::vector<uint64_t> items;
    items.reserve(seg.items.size());
    for (const ConstExpr& e : seg.items) items.push_back(Evaluate(e));
    if (seg.mode == ElemSegment::Mode::kPassive) {
      s.elem_segments[i] = std::move(items);
      continue;
    }
    // Active: table.init, then elem.drop.
    const uint64_t offset = static_cast<uint32_t>(Evaluate(seg.offset));
    TableInstance* table = s.tables[seg.table];
    if (offset + items.size() > table->elems.size()) return TrapError(TrapCode::kTableOutOfBounds);
    std::copy(items.begin(), items.end(), table->elems.begin() + static_cast<long>(offset));
  }
  s.data_dropped.assign(m.datas.size(), false);
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (!seg.active) continue;
    const uint64_t offset = static_cast<uint32_t>(Evaluate(seg.offset));
    if (offset + seg.size > s.memory->size()) return TrapError(TrapCode::kMemoryOutOfBounds);
    if (seg.size) std::memcpy(s.mem_base + offset, m.bytes.data() + seg.begin, seg.size);
    s.data_dropped[i] = true;
  }
  return Status::Ok();
}

Status InterpInstance::RunStart(const CallOptions& options) {
  const std::optional<uint32_t> start = desc().start;
  if (!start) return Status::Ok();
  const TrapCode code = Run(*state_->funcs[*start], {}, {}, options);
  if (code != TrapCode::kOk) return CallError(code, "in the start function");
  return Status::Ok();
}

}  // namespace capsule::internal::interp
