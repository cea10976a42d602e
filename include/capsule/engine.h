/// @file
/// The engine interface: compile, link, instantiate and call WebAssembly modules, whatever the backend.
///
///   Engine  (process-wide, thread-safe)   -> Compile(bytes) -> Module (immutable, shared by all threads)
///   Context (one per thread, e.g. a V8 isolate)  -> Instantiate(Module, Linker) -> Instance
///   Instance (memory, exports, interruption)     -> Call(export, args) -> results or an Error
///
/// Everything of WebAssembly 2.0 crosses the interface: every value type (v128 and references included, floats bit
/// for bit), imports of every kind (a Linker binds them to host functions or to objects of the Context, extern.h)
/// and traps with the spec's wording (trap.h).
///
/// Runners only ever see these types; a backend lives in `src/engine/<backend>/` and is picked by name.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "capsule/extern.h"
#include "capsule/linker.h"
#include "capsule/memory.h"
#include "capsule/module_info.h"
#include "capsule/result.h"
#include "capsule/trap.h"
#include "capsule/values.h"

namespace capsule {

class Context;
class Instance;

/// Options of a compilation. They become properties of the compiled Module.
struct CompileOptions {
  /// Cap on every linear memory of the module, in 64 KiB pages; 0 keeps the module's own maximum (at most 4 GiB).
  /// A module whose initial memory exceeds the cap fails to compile with kResourceLimit; memory.grow past the
  /// cap returns -1 to the guest.
  uint32_t max_memory_pages = 0;
};

/// A compiled, validated module. Immutable and safe to share between threads and contexts.
class Module {
 public:
  virtual ~Module() = default;

  ///@{
  /// Imports, exports and memories as declared by the module (after the memory cap was applied).
  const ModuleInfo& info() const { return info_; }
  const std::vector<ImportInfo>& imports() const { return info_.imports; }
  const std::vector<ExportInfo>& exports() const { return info_.exports; }
  ///@}
  /// The export of that name, or nullptr.
  const ExportInfo* FindExport(std::string_view name) const { return info_.FindExport(name); }

 protected:
  /// For backends: a module of that description.
  explicit Module(ModuleInfo info) : info_(std::move(info)) {}
  ModuleInfo info_;  ///< what info() returns
};

/// Which backend to use and how to tune it. Created once per process per backend.
struct EngineOptions {
  /// "interp" or "v8"; empty: the environment variable CAPSULE_ENGINE when it names one, else DefaultBackend().
  std::string backend;
  /// Use guard pages and a signal handler instead of explicit bounds checks (faster; off under sanitizers).
  bool trap_handler = true;
};

/// A WebAssembly engine. Thread-safe; outlives every Context and Module it made.
class Engine {
 public:
  virtual ~Engine() = default;

  /// Returns the process-wide engine of options.backend ("interp", "v8"). The first call fixes the options of that
  /// backend; later calls return the same engine. Errors: kInvalidArgument for an unknown name, kNotFound when the
  /// backend is not in this build or its library cannot be loaded (V8: libcapsule_v8.so).
  static Result<std::shared_ptr<Engine>> Create(const EngineOptions& options = {});

  /// Validates and compiles a module. Errors: kInvalidModule (with the validator's message), kResourceLimit.
  virtual Result<std::shared_ptr<const Module>> Compile(std::span<const uint8_t> wasm,
                                                        const CompileOptions& options = {}) = 0;

  /// Creates a context for the calling thread. A context and its instances may be used by one thread at a time.
  virtual Result<std::unique_ptr<Context>> NewContext() = 0;

  /// The backend's name ("v8", "interp").
  virtual std::string_view name() const = 0;
};

/// The backend EngineOptions pick when they name none and CAPSULE_ENGINE is not set.
const char* DefaultBackend();

/// Per-call settings, of Instance::Call and of the start function Context::Instantiate runs.
struct CallOptions {
  /// The call is interrupted (kInterrupted) when it still runs at this time. Only the outermost call's deadline
  /// counts; re-entrant calls from host functions inherit it.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

/// A per-thread execution context (a V8 isolate, an interpreter store). Owns the instances it creates: they must
/// be destroyed before it.
class Context {
 public:
  virtual ~Context() = default;

  /// Engine::Compile, done with this context's resources: cheaper for a single-threaded runner (V8: no second
  /// isolate). The module is the same shareable Module.
  virtual Result<std::shared_ptr<const Module>> Compile(std::span<const uint8_t> wasm,
                                                        const CompileOptions& options = {}) = 0;

  /// Binds every import of module as linker->Resolve says and instantiates it. Runs the module's start section, not
  /// WASI's `_start`, as a call with options: a start function still running at options.deadline is stopped, so a
  /// module whose start function never returns cannot hang its instantiation (without a deadline it can; an
  /// instance's InterruptHandle does not exist before Instantiate returns). data is the instance's initial host data
  /// (seen by host functions the start section calls).
  /// Errors: kLinkError naming the first import that cannot be bound (or an object of another Context); kTrap (its
  /// message as Instance::Call's; "start function" in its details when that trapped) if a data or element segment
  /// does not fit or the start function traps, after the segments before it were written into imported memories and
  /// tables, as WebAssembly 2.0 says; kInterrupted when the deadline passed; the error a host function the start
  /// function called returned; kResourceLimit.
  virtual Result<std::unique_ptr<Instance>> Instantiate(std::shared_ptr<const Module> module,
                                                        std::shared_ptr<const Linker> linker, InstanceData data = {},
                                                        const CallOptions& options = {}) = 0;

  /// A new memory of these limits in pages, zero-filled, for a Linker to offer to modules. Errors: kInvalidArgument
  /// (min above max, or above 65536 pages), kResourceLimit (cannot be allocated).
  virtual Result<std::shared_ptr<Memory>> NewMemory(const Limits& limits) = 0;
  /// A new table of this type with every element init. Errors: kInvalidArgument (an element type that is not a
  /// reference, min above max, an init of another type), kResourceLimit.
  virtual Result<std::shared_ptr<Table>> NewTable(const TableType& type, const Value& init) = 0;
  /// A new global of this type holding value, bit for bit. Errors: kInvalidArgument (value of another type).
  virtual Result<std::shared_ptr<Global>> NewGlobal(const GlobalType& type, const Value& value) = 0;
};

/// A handle to an exported function of one Instance; cheap to copy, valid while the Instance lives.
struct Func {
  uint32_t index = 0;              ///< backend-private slot
  const FuncType* type = nullptr;  ///< signature, owned by the Module
};

/// Thread-safe handle that interrupts whatever call is running in one Instance. Outlives the Instance safely
/// (then it does nothing). An interrupt when no call is running has no effect.
class InterruptHandle {
 public:
  virtual ~InterruptHandle() = default;
  /// Makes the running call return kInterrupted as soon as possible. Callable from any thread.
  virtual void Interrupt() = 0;
};

/// An instantiated module: its memory, globals and exports. Used by the thread of its Context.
class Instance {
 public:
  virtual ~Instance() = default;

  /// The module this is an instance of.
  const Module& module() const { return *module_; }

  /// The exported function `name`, or kNotFound / kInvalidArgument (exists but is not a function).
  virtual Result<Func> GetFunc(std::string_view name) = 0;

  /// Calls f with args; writes f's results into results (results.size() must equal the result count). Values of
  /// every type cross bit for bit. Errors: kTrap (its message starts with the spec's wording, trap.h), kInterrupted,
  /// kExit (proc_exit), kInvalidArgument (wrong arity/types, a funcref of another Context), or the error a host
  /// function returned. Re-entrant: host functions may call into the instance again.
  virtual Status Call(const Func& f, std::span<const Value> args, std::span<Value> results,
                      const CallOptions& options = {}) = 0;

  /// Convenience: looks up and calls the export `name`, returning its results.
  Result<std::vector<Value>> Call(std::string_view name, std::span<const Value> args, const CallOptions& options = {});

  /// The instance's linear memory: the one exported as "memory", else the first exported one, else the one it
  /// imports; nullptr when it has none.
  virtual Memory* memory() = 0;

  /// The export `name` as an object of this instance's Context, for the host to use or a Linker to bind (a function,
  /// table, memory or global). The same object each time, and the very object an import was bound to when the
  /// export re-exports it. Errors: kNotFound.
  virtual Result<Extern> GetExport(std::string_view name) = 0;

  /// The instance's host data: per-instance, per-call state that host functions read through their Caller.
  InstanceData& data() { return data_; }

  /// A handle that interrupts this instance's running call from another thread.
  virtual std::shared_ptr<InterruptHandle> interrupt_handle() = 0;

  /// True while the running call has been asked to stop: its deadline passed or another thread interrupted it.
  /// Guest code is stopped by the engine; a host function that waits (sleeps, polls) must check this at least every
  /// few milliseconds and then return a kInterrupted error.
  virtual bool stop_requested() const = 0;

  /// Whether the instance is still usable: false after an interrupt, a trap inside a start function, or an
  /// engine failure left it inconsistent. A runner discards an instance that is not healthy.
  virtual bool healthy() const = 0;

  /// Saves what the guest can observe of this instance, its linear memory and mutable globals, for RestoreState
  /// (replacing an earlier save). This is how a runner recycles an instance: save once after start, restore after
  /// each use. Errors: kInvalidArgument when module().info().state.not_resettable says the state cannot be
  /// captured whole, when the instance is not healthy, or from inside a call.
  virtual Status SaveState() = 0;
  /// Puts back what SaveState saved: to the guest, the instance is then as it was at the save. Errors:
  /// kInvalidArgument without a save, when not healthy, or from inside a call; kResourceLimit when the memory grew
  /// since the save (memory cannot shrink: make a new instance instead).
  virtual Status RestoreState() = 0;

 protected:
  /// For backends: an instance of module carrying data.
  Instance(std::shared_ptr<const Module> module, InstanceData data)
      : module_(std::move(module)), data_(std::move(data)) {}
  std::shared_ptr<const Module> module_;  ///< kept alive as long as the instance
  InstanceData data_;                     ///< what data() returns
};

/// Reads a whole file; kNotFound or kIo with the path in the message.
Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path);

}  // namespace capsule
