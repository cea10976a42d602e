// What the executor works on at run time: function entities, tables, globals and the per-instance state the
// translated code addresses. Shared by the executor (executor.cc), the instance (instance.cc, instantiate.cc) and
// the extern objects (objects.cc).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "capsule/engine.h"
#include "engine/interp/code.h"
#include "engine/interp/module_desc.h"

namespace capsule::internal::interp {

class LinearMemory;
class InterpInstance;
class InterpMemory;
class InterpTable;
class InterpGlobal;
struct InstanceState;

// What the objects of one InterpContext share: whether the context still lives. Its address tells the context's
// objects from another context's.
struct ContextLife {
  bool alive = true;
};

// A function as a value (what a funcref points to, and the capsule::Function the host sees): wasm code of one
// instance, or a host function bound into one instance (whose Caller it sees). Lives as long as its instance's
// state (InstanceState), which the Context keeps once the function was seen outside the instance.
struct FuncEntity final : public Function {
  const FuncType& type() const override { return *func_type; }

  uint32_t type_id = 0;  // CanonicalTypeId of its signature
  const FuncType* func_type = nullptr;
  InstanceState* instance = nullptr;
  uint32_t defined_index = 0;         // wasm functions: index among the module's defined functions
  const HostFuncDef* host = nullptr;  // host functions: the definition (owned by the instance's Linker)
};

// The most elements the tables of one instance (or one host-made table) may hold together (8 bytes each).
constexpr uint64_t kMaxTableElements = 10'000'000;

// The element count of a group of tables, which kMaxTableElements bounds: the tables an instance defines share one.
struct TableBudget {
  uint64_t elements = 0;
};

// A table: references (FuncEntity* for funcref, the host's pointer for externref; 0 is null).
struct TableInstance {
  ValType type = ValType::kFuncRef;
  std::vector<uint64_t> elems;
  std::optional<uint64_t> max;
  std::shared_ptr<TableBudget> budget;

  // table.grow: appends n copies of init and returns the old size; nullopt past max or the budget.
  std::optional<uint32_t> Grow(uint64_t n, uint64_t init);
};

// A global's storage.
struct GlobalCell {
  uint64_t bits = 0;  // the value (a v128's low half)
  uint64_t hi = 0;    // a v128's high half
  // The 16 bytes of a v128 global.
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(this); }
};

// A compiled module: the decoded module and its functions' code. Thread-safe.
class InterpModule : public Module {
 public:
  // codes: the translated code of the first defined functions (all of them when Compile validated them, since
  // validating is translating); the others are translated on their first call.
  InterpModule(ModuleInfo info, ModuleDesc desc, const int32_t* handlers, std::vector<FunctionCode> codes = {});
  const ModuleDesc& desc() const { return desc_; }
  // How many functions were translated so far.
  size_t translated() const {
    std::lock_guard lock(mu_);
    return owned_.size();
  }

  // The code of defined function `index`, translated now if it was not yet; nullptr if translation failed (it
  // cannot for a module that compiled, short of memory).
  const FunctionCode* Code(uint32_t index) const {
    const FunctionCode* code = codes_[index].load(std::memory_order_acquire);
    return code ? code : Translate(index);
  }
  // Every defined function's code, nullptr until translated (Code translates).
  const std::atomic<const FunctionCode*>* codes() const { return codes_.get(); }

 private:
  const FunctionCode* Translate(uint32_t index) const;

  ModuleDesc desc_;
  const int32_t* handlers_;
  std::unique_ptr<std::atomic<const FunctionCode*>[]> codes_;
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<FunctionCode>> owned_;
};

// An instance's run-time state: what translated code reads and writes through its instance pointer (the first
// fields), and the storage behind it. Owned by its InterpInstance; once anything of it was seen outside the instance
// (`escaped`), the Context takes it over when the instance dies and keeps it until the Context dies, so that every
// function, table and global another instance or the host may still reach stays valid.
struct InstanceState {
  uint8_t* mem_base = nullptr;     // linear memory 0 (its address never changes)
  LinearMemory* memory = nullptr;  // nullptr when the module has no memory
  GlobalCell** globals = nullptr;  // every global, imported ones first
  TableInstance** tables = nullptr;
  FuncEntity** funcs = nullptr;  // every function, imported ones first
  const InterpModule* module = nullptr;
  const std::atomic<const FunctionCode*>* codes = nullptr;  // the module's, by defined function index
  std::vector<std::vector<uint64_t>> elem_segments;         // passive segments' references; emptied by elem.drop
  std::vector<bool> data_dropped;                           // per data segment (active ones are dropped at start)
  InterpInstance* owner = nullptr;                          // nullptr once the instance is destroyed
  const ContextLife* life = nullptr;                        // the Context's
  // Set once a function, table or global of this instance may be reached from outside it: it was handed to the
  // host (a result, an argument of a host function, an export), or the instance imports a funcref table or mutable
  // funcref global, or called into another instance.
  bool escaped = false;

  // ---- storage ----
  std::shared_ptr<const InterpModule> module_ref;
  std::unique_ptr<FuncEntity[]> entities;  // this instance's own: its host-function imports, then its wasm functions
  std::vector<FuncEntity*> func_list;
  std::vector<GlobalCell> cells;  // the globals it defines
  std::vector<GlobalCell*> global_list;
  std::vector<std::shared_ptr<InterpGlobal>> global_objects;  // by index: imported ones, and defined ones exported
  std::vector<std::shared_ptr<InterpTable>> table_objects;
  std::vector<TableInstance*> table_list;
  std::shared_ptr<InterpMemory> memory_object;
};

}  // namespace capsule::internal::interp
