// The module a long-running runner serves: compiled once, shared by every worker, swapped atomically by a reload.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "capsule/abi.h"
#include "capsule/engine.h"
#include "capsule/linker.h"

namespace capsule::serve {

// One loaded module and what the runner needs to know about it. Immutable once published.
struct ModuleVersion {
  std::shared_ptr<const Module> module;
  AbiInfo abi;
  std::string source;   // the path or URL it came from
  uint64_t number = 0;  // 1 for the first module, +1 per successful reload
};

// Holds the current ModuleVersion. Current() and Publish() are thread-safe.
class ModuleStore {
 public:
  // The version new requests use; never null after the first Publish.
  std::shared_ptr<const ModuleVersion> Current() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  // True when version is the one new requests use. Lock-free: the per-request check of a worker.
  bool IsCurrent(const ModuleVersion* version) const { return current_raw_.load(std::memory_order_acquire) == version; }
  // Makes version current (numbering it) and returns it; requests already running keep their old version.
  std::shared_ptr<const ModuleVersion> Publish(ModuleVersion version) {
    std::lock_guard lock(mu_);
    version.number = current_ ? current_->number + 1 : 1;
    current_ = std::make_shared<const ModuleVersion>(std::move(version));
    current_raw_.store(current_.get(), std::memory_order_release);
    return current_;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const ModuleVersion> current_;
  // current_.get(): compared, never dereferenced (a guest's own version stays alive while the guest does).
  std::atomic<const ModuleVersion*> current_raw_{nullptr};
};

// The exports a runner can serve a module through (any one is enough), and what to call them in an error.
struct Entries {
  std::string_view what;                    // "HTTP", "message"
  std::span<const std::string_view> names;  // e.g. callHandleHTTP, callHandleHttp
};

// A compiled module as a ModuleVersion: its ABI detected. Errors: kNotFound when it exports none of entries.names.
Result<ModuleVersion> MakeModuleVersion(std::shared_ptr<const Module> module, std::string source,
                                        const Entries& entries);

// Compiles wasm and detects its ABI. Errors: the engine's (kInvalidModule, kResourceLimit), kNotFound when the
// module exports none of entries.names ("<source> exports no HTTP handler (callHandleHTTP or callHandleHttp)").
Result<ModuleVersion> CompileModuleVersion(Engine& engine, const std::vector<uint8_t>& wasm,
                                           const CompileOptions& options, std::string source, const Entries& entries);

}  // namespace capsule::serve
