/// @file
/// The objects of a Context that modules import and export (the spec's function, table, memory and global
/// instances), and Extern, the handle through which a Linker binds an import to one of them.
///
///   Instance::GetExport(name) -> Extern ──Linker::Define(module, name, extern)──▶ an import of another instance
///   Context::NewMemory / NewTable / NewGlobal -> objects the host offers (the spec's `spectest` memory and table)
///
/// Every object belongs to one Context and must not outlive it (as instances). Functions are owned by their Context;
/// tables, memories and globals by their shared_ptr holders (the instances that use one keep it alive inside the
/// engine). After its Context is destroyed an object only returns errors (kInvalidArgument).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "capsule/memory.h"
#include "capsule/module_info.h"
#include "capsule/result.h"
#include "capsule/values.h"

namespace capsule {

/// A function of a Context: a function of one of its instances, or a host function bound to one. What a funcref
/// value points to. Owned by the Context until it is destroyed; one function is always the same Function, whichever
/// way (export, call result, table, global) it reached the host.
class Function {
 public:
  /// Its signature.
  virtual const FuncType& type() const = 0;

 protected:
  ~Function() = default;
};

/// A global of a Context.
class Global {
 public:
  virtual ~Global() = default;
  /// Its value type and mutability.
  virtual GlobalType type() = 0;
  /// Its current value, bit for bit.
  virtual Result<Value> Get() = 0;
  /// Sets it. kInvalidArgument when the global is immutable or value is not of its type.
  virtual Status Set(const Value& value) = 0;
};

/// A table of a Context. Every access is bounds-checked.
class Table {
 public:
  virtual ~Table() = default;
  /// Its element type and limits; limits.min is its current size.
  virtual TableType type() = 0;
  /// Its current size in elements.
  virtual uint64_t size() = 0;
  /// The element at index: a reference of the element type. kTrap "out of bounds table access" past the end.
  virtual Result<Value> Get(uint64_t index) = 0;
  /// Stores value at index: kTrap "out of bounds table access" past the end, kInvalidArgument when value is not a
  /// reference of the element type (or a funcref of another Context).
  virtual Status Set(uint64_t index, const Value& value) = 0;
  /// Adds delta elements, each init, and returns the old size, as table.grow does. kResourceLimit when that would
  /// pass the maximum; kInvalidArgument for an init of another type.
  virtual Result<uint64_t> Grow(uint64_t delta, const Value& init) = 0;
};

/// A handle to one function, table, memory or global: what an instance exports and what a Linker binds an import
/// to. Cheap to copy; it keeps a table, memory or global alive (a Function lives as long as its Context).
class Extern {
 public:
  ///@{
  /// A handle to that object (implicit, so that an object can be passed where an Extern is expected).
  Extern(const Function* function) : kind_(ExternKind::kFunc), function_(function) {}
  Extern(std::shared_ptr<Table> table) : kind_(ExternKind::kTable), table_(std::move(table)) {}
  Extern(std::shared_ptr<Memory> memory) : kind_(ExternKind::kMemory), memory_(std::move(memory)) {}
  Extern(std::shared_ptr<Global> global) : kind_(ExternKind::kGlobal), global_(std::move(global)) {}
  ///@}

  /// Which of the four it is.
  ExternKind kind() const { return kind_; }
  ///@{
  /// The object, when it is of that kind; nullptr otherwise.
  const Function* function() const { return function_; }
  const std::shared_ptr<Table>& table() const { return table_; }
  const std::shared_ptr<Memory>& memory() const { return memory_; }
  const std::shared_ptr<Global>& global() const { return global_; }
  ///@}

 private:
  ExternKind kind_;
  const Function* function_ = nullptr;
  std::shared_ptr<Table> table_;
  std::shared_ptr<Memory> memory_;
  std::shared_ptr<Global> global_;
};

}  // namespace capsule
