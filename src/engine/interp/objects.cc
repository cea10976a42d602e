#include "engine/interp/objects.h"

#include <string>

#include "engine/interp/slots.h"

namespace capsule::internal::interp {
namespace {

constexpr uint64_t kMaxPages = 65536;

Error Gone() {
  return Fail(ErrorCode::kInvalidArgument, "the object's context was destroyed");
}

Error WrongType(const char* what, ValType want, ValType got) {
  return Fail(ErrorCode::kInvalidArgument,
              std::string(what) + " takes " + ValTypeName(want) + ", not " + ValTypeName(got));
}

Error OtherContext(const char* what) {
  return Fail(ErrorCode::kInvalidArgument, std::string("a function of another context cannot go into ") + what);
}

Error TableOutOfBounds(uint64_t index, uint64_t size) {
  return Fail(ErrorCode::kTrap, TrapMessage(TrapKind::kTableOutOfBounds,
                                            "index " + std::to_string(index) + ", size " + std::to_string(size)));
}

}  // namespace

std::optional<uint32_t> TableInstance::Grow(uint64_t n, uint64_t init) {
  const uint64_t old = elems.size();
  if (old + n > max.value_or(UINT32_MAX) || budget->elements + n > kMaxTableElements) return std::nullopt;
  elems.resize(old + n, init);
  budget->elements += n;
  return static_cast<uint32_t>(old);
}

InterpMemory::InterpMemory(std::unique_ptr<LinearMemory> memory, std::shared_ptr<ContextLife> life)
    : memory_(std::move(memory)), life_(std::move(life)) {
  memory_->set_view(this);
}

std::optional<uint64_t> InterpMemory::max_pages() {
  return memory_->max_pages();
}

Result<uint64_t> InterpMemory::Grow(uint64_t delta_pages) {
  if (!life_->alive) return Gone();
  const uint64_t old = memory_->pages();
  const int32_t grown = delta_pages > kMaxPages ? -1 : memory_->Grow(static_cast<uint32_t>(delta_pages));
  if (grown < 0)
    return Fail(ErrorCode::kResourceLimit, "memory of " + std::to_string(old) + " pages cannot grow by " +
                                               std::to_string(delta_pages) + " (maximum " +
                                               std::to_string(memory_->max_pages().value_or(kMaxPages)) + ")");
  return old;
}

void InterpMemory::Refresh(uint8_t*& base, size_t& size) {
  base = life_->alive ? memory_->base() : nullptr;
  size = life_->alive ? memory_->size() : 0;
}

TableType InterpTable::type() {
  return TableType{table_.type, Limits{size(), table_.max}};
}

uint64_t InterpTable::size() {
  return life_->alive ? table_.elems.size() : 0;
}

Result<Value> InterpTable::Get(uint64_t index) {
  if (!life_->alive) return Gone();
  if (index >= table_.elems.size()) return TableOutOfBounds(index, table_.elems.size());
  return FromSlot(table_.type, reinterpret_cast<const uint8_t*>(&table_.elems[index]));
}

Status InterpTable::Set(uint64_t index, const Value& value) {
  if (!life_->alive) return Gone();
  if (value.type != table_.type) return WrongType("the table", table_.type, value.type);
  if (!Storable(value, life_.get())) return OtherContext("this table");
  if (index >= table_.elems.size()) return TableOutOfBounds(index, table_.elems.size());
  table_.elems[index] = RefBits(value);
  return Status::Ok();
}

Result<uint64_t> InterpTable::Grow(uint64_t delta, const Value& init) {
  if (!life_->alive) return Gone();
  if (init.type != table_.type) return WrongType("the table", table_.type, init.type);
  if (!Storable(init, life_.get())) return OtherContext("this table");
  auto old = table_.Grow(delta, RefBits(init));
  if (!old)
    return Fail(ErrorCode::kResourceLimit, "table of " + std::to_string(table_.elems.size()) +
                                               " elements cannot grow by " + std::to_string(delta));
  return uint64_t{*old};
}

InterpGlobal::InterpGlobal(GlobalType type, GlobalCell* cell, std::shared_ptr<ContextLife> life)
    : type_(type), cell_(cell ? cell : &own_), life_(std::move(life)) {}

Result<Value> InterpGlobal::Get() {
  if (!life_->alive) return Gone();
  return FromSlot(type_.type, cell_->bytes());
}

Status InterpGlobal::Set(const Value& value) {
  if (!life_->alive) return Gone();
  if (!type_.is_mutable) return Fail(ErrorCode::kInvalidArgument, "the global is immutable");
  if (value.type != type_.type) return WrongType("the global", type_.type, value.type);
  if (!Storable(value, life_.get())) return OtherContext("this global");
  ToSlot(value, cell_->bytes());
  return Status::Ok();
}

Result<std::shared_ptr<InterpMemory>> MakeMemory(const Limits& limits, std::shared_ptr<ContextLife> life) {
  if (limits.min > kMaxPages || (limits.max && (*limits.max < limits.min || *limits.max > kMaxPages)))
    return Fail(ErrorCode::kInvalidArgument, "memory limits " + limits.ToString() + " are not valid");
  auto memory =
      LinearMemory::Create(static_cast<uint32_t>(limits.min),
                           limits.max ? std::optional<uint32_t>(static_cast<uint32_t>(*limits.max)) : std::nullopt);
  if (!memory) return memory.take_error();
  return std::make_shared<InterpMemory>(std::move(*memory), std::move(life));
}

Result<std::shared_ptr<InterpTable>> MakeTable(const TableType& type, const Value& init,
                                               std::shared_ptr<ContextLife> life) {
  if (!IsRefType(type.element)) return Fail(ErrorCode::kInvalidArgument, "a table holds references only");
  if (init.type != type.element) return WrongType("the table", type.element, init.type);
  if (!Storable(init, life.get())) return OtherContext("a table");
  if (type.limits.max && (*type.limits.max < type.limits.min || *type.limits.max > UINT32_MAX))
    return Fail(ErrorCode::kInvalidArgument, "table limits " + type.limits.ToString() + " are not valid");
  if (type.limits.min > kMaxTableElements)
    return Fail(ErrorCode::kResourceLimit, "tables larger than " + std::to_string(kMaxTableElements) + " elements");
  TableInstance table;
  table.type = type.element;
  table.max = type.limits.max;
  table.budget = std::make_shared<TableBudget>();
  table.budget->elements = type.limits.min;
  table.elems.assign(type.limits.min, RefBits(init));
  return std::make_shared<InterpTable>(std::move(table), std::move(life));
}

Result<std::shared_ptr<InterpGlobal>> MakeGlobal(const GlobalType& type, const Value& value,
                                                 std::shared_ptr<ContextLife> life) {
  if (value.type != type.type) return WrongType("the global", type.type, value.type);
  if (!Storable(value, life.get())) return OtherContext("a global");
  auto global = std::make_shared<InterpGlobal>(type, nullptr, std::move(life));
  ToSlot(value, global->cell()->bytes());
  return global;
}

}  // namespace capsule::internal::interp
