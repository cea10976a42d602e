// The extern objects of an InterpContext (capsule::Memory, Table, Global): what instances import, export and share,
// and what the host makes (Context::NewMemory / NewTable / NewGlobal). The executor works on their insides
// (LinearMemory, TableInstance, GlobalCell) directly. After their context dies they only fail (kInvalidArgument; a
// memory's size reads 0).
#pragma once

#include <memory>
#include <optional>

#include "capsule/engine.h"
#include "engine/interp/linear_memory.h"
#include "engine/interp/runtime.h"

namespace capsule::internal::interp {

// A linear memory. Its base never moves; its size is re-read after memory.grow (LinearMemory invalidates it).
class InterpMemory final : public Memory {
 public:
  InterpMemory(std::unique_ptr<LinearMemory> memory, std::shared_ptr<ContextLife> life);
  LinearMemory& linear() { return *memory_; }
  const ContextLife* life() const { return life_.get(); }

  std::optional<uint64_t> max_pages() override;
  Result<uint64_t> Grow(uint64_t delta_pages) override;

 protected:
  void Refresh(uint8_t*& base, size_t& size) override;

 private:
  std::unique_ptr<LinearMemory> memory_;
  std::shared_ptr<ContextLife> life_;
};

// A table: a TableInstance of references (FuncEntity* or the host's pointers), bounds-checked for the host.
class InterpTable final : public Table {
 public:
  InterpTable(TableInstance table, std::shared_ptr<ContextLife> life)
      : table_(std::move(table)), life_(std::move(life)) {}
  TableInstance& table() { return table_; }
  const ContextLife* life() const { return life_.get(); }

  TableType type() override;
  uint64_t size() override;
  Result<Value> Get(uint64_t index) override;
  Status Set(uint64_t index, const Value& value) override;
  Result<uint64_t> Grow(uint64_t delta, const Value& init) override;

 private:
  TableInstance table_;
  std::shared_ptr<ContextLife> life_;
};

// A global: an instance's (its cell lives in the instance's state) or the host's own.
class InterpGlobal final : public Global {
 public:
  // A global of type stored in cell, or in a cell of its own (zero bits) when cell is nullptr.
  InterpGlobal(GlobalType type, GlobalCell* cell, std::shared_ptr<ContextLife> life);
  InterpGlobal(const InterpGlobal&) = delete;
  InterpGlobal& operator=(const InterpGlobal&) = delete;
  GlobalCell* cell() { return cell_; }
  const ContextLife* life() const { return life_.get(); }

  GlobalType type() override { return type_; }
  Result<Value> Get() override;
  Status Set(const Value& value) override;

 private:
  GlobalType type_;
  GlobalCell own_;
  GlobalCell* cell_;
  std::shared_ptr<ContextLife> life_;
};

// A memory of these limits in pages (checked: min <= max <= 65536). Errors: kInvalidArgument, kResourceLimit.
Result<std::shared_ptr<InterpMemory>> MakeMemory(const Limits& limits, std::shared_ptr<ContextLife> life);

// A table of type (checked: reference elements, limits in order, at most kMaxTableElements) with every element init
// (checked: of the element type, of life's context). Errors: kInvalidArgument, kResourceLimit.
Result<std::shared_ptr<InterpTable>> MakeTable(const TableType& type, const Value& init,
                                               std::shared_ptr<ContextLife> life);

// A global of the host holding value (checked: of the global's type, of life's context). Errors: kInvalidArgument.
Result<std::shared_ptr<InterpGlobal>> MakeGlobal(const GlobalType& type, const Value& value,
                                                 std::shared_ptr<ContextLife> life);

}  // namespace capsule::internal::interp
