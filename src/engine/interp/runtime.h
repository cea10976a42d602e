// What the executor works on at run time: function entities, tables and the per-instance state the
// translated code addresses. Shared by the executor (executor.cc) and the instance (instance.cc).
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
struct InstanceState;

// A function as a value (what a funcref points to): wasm code of one instance, or a host function bound into
// one instance (whose Caller it sees).
struct FuncEntity {
  uint32_t type_id = 0;  // CanonicalTypeId of its signature
  const FuncType* type = nullptr;
  InstanceState* instance = nullptr;
  uint32_t defined_index = 0;  // wasm functions: index among the module's defined functions
  const HostFuncDef* host = nullptr;
};

// A table: references (FuncEntity* for funcref, the host's bits for externref; 0 is null).
struct TableInstance {
  ValType type = ValType::kFuncRef;
  std::vector<uint64_t> elems;
  std::optional<uint64_t> max;
};

// The most table elements one instance may hold, in all its tables together (8 bytes each).
constexpr uint64_t kMaxTableElements = 10'000'000;

// A global's storage.
struct GlobalCell {
  uint64_t bits = 0;  // the value (a v128's low half)
  uint64_t hi = 0;    // a v128's high half
  // The 16 bytes of a v128 global.
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(this); }
};

// A compiled module: the decoded module and its functions' code, translated on first call. Thread-safe.
class InterpModule : public Module {
 public:
  InterpModule(ModuleInfo info, ModuleDesc desc, const int32_t* handlers);
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

// The state translated code reads and writes through its instance pointer.
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
  uint64_t table_elements = 0;                              // in all tables, at most kMaxTableElements
  InterpInstance* owner = nullptr;
};

}  // namespace capsule::internal::interp
