/// @file
/// The Linker: what a runner offers to guests, by import module and name: host functions (by signature) and objects
/// of a Context (another instance's exports, a memory, table or global the host made).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capsule/extern.h"
#include "capsule/memory.h"
#include "capsule/module_info.h"
#include "capsule/result.h"
#include "capsule/values.h"

namespace capsule {

class Instance;

/// Per-instance host state, one pointer per C++ type: the WASI context, the runner's request, ... Host functions
/// find theirs with get<T>(). Not owning; whoever sets a pointer keeps the object alive while calls run.
class InstanceData {
 public:
  /// Stores (or, with nullptr, removes) the object of type T.
  template <class T>
  void set(T* object) {
    Put(TypeKey<T>(), object);
  }
  /// The object of type T, or nullptr.
  template <class T>
  T* get() const {
    for (const auto& [key, ptr] : slots_)
      if (key == TypeKey<T>()) return static_cast<T*>(ptr);
    return nullptr;
  }

 private:
  template <class T>
  static const void* TypeKey() {
    static const char key = 0;
    return &key;
  }
  void Put(const void* key, void* object) {
    for (auto& slot : slots_)
      if (slot.first == key) {
        slot.second = object;
        return;
      }
    slots_.emplace_back(key, object);
  }
  std::vector<std::pair<const void*, void*>> slots_;
};

/// What a host function sees of the guest that called it.
class Caller {
 public:
  /// For backends: the caller instance, its memory 0 (nullptr when it has none) and its data.
  Caller(Instance& instance, Memory* memory, InstanceData& data) : instance_(instance), memory_(memory), data_(data) {}

  /// The calling instance, to call its exports re-entrantly (e.g. allocateBuffer).
  Instance& instance() { return instance_; }
  /// Its linear memory, or nullptr when it has none. Re-read after calling back into the guest.
  Memory* memory() { return memory_; }
  /// Its host data (see InstanceData).
  template <class T>
  T* get() const {
    return data_.get<T>();
  }

 private:
  Instance& instance_;
  Memory* memory_;
  InstanceData& data_;
};

/// A host function. Reads args (typed as its signature), writes every result, returns Ok. Returning an error
/// stops the guest: kExit unwinds with Error::exit_code (proc_exit), any other code becomes a trap whose message
/// is the error's message.
using HostFunc = std::function<Status(Caller& caller, std::span<const Value> args, std::span<Value> results)>;

/// One registered host function.
struct HostFuncDef {
  std::string module;  ///< the import module name ("env")
  std::string name;    ///< the import name ("hostPrint")
  FuncType type;       ///< the signature an import must have
  HostFunc fn;         ///< what a call runs
};

/// What an import binds to: a host function of the Linker or an object of a Context (exactly one is set).
struct Binding {
  const HostFuncDef* host = nullptr;  ///< a host function of the Linker
  const Extern* object = nullptr;     ///< an object of a Context
};

/// A set of host functions and objects, built before use, then shared read-only by the instantiations that use it.
/// A Linker of host functions only works in every Context and thread; one holding objects only in their Context.
class Linker {
 public:
  /// Registers fn as module.name with that signature. The same module.name may be registered with several
  /// signatures (Capsule's ABI generations differ); an import binds to the one whose signature matches exactly.
  /// Registering the same name and signature again replaces the earlier function.
  void Define(std::string module, std::string name, FuncType type, HostFunc fn);

  /// Binds module.name to object, replacing an earlier object of that name. An object takes precedence over host
  /// functions of the same name.
  void Define(std::string module, std::string name, Extern object);

  /// Binds every export NAME of instance as module.NAME (`register` in the spec's scripts): another module can then
  /// import its functions, tables, memories and globals. Errors: those of Instance::GetExport.
  Status DefineInstance(const std::string& module, Instance& instance);

  /// What an import binds to, after checking the types as WebAssembly does (a function's signature exactly; a
  /// table's element type and a global's type and mutability exactly; memory and table limits by Limits::Matches on
  /// the object's current size). Errors: kLinkError, whose message starts with the spec's wording: "unknown import"
  /// (nothing of that name) or "incompatible import type" (of another kind or type; it lists what is offered).
  Result<Binding> Resolve(const ImportInfo& import) const;

  /// Checks every import of a module: Ok, or kLinkError naming the first one that cannot be bound.
  Status Check(const ModuleInfo& module) const;

  /// Every host-function definition, in registration order.
  const std::vector<std::unique_ptr<HostFuncDef>>& definitions() const { return defs_; }

 private:
  template <class T>
  using ByName = std::map<std::string, std::map<std::string, T, std::less<>>, std::less<>>;

  std::vector<std::unique_ptr<HostFuncDef>> defs_;
  /// module -> name -> the definitions of that name (one per signature); looked up without building strings.
  ByName<std::vector<HostFuncDef*>> by_name_;
  ByName<Extern> objects_;
};

}  // namespace capsule
