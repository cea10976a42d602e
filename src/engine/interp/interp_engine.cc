#include "engine/interp/interp_engine.h"

#include <algorithm>
#include <mutex>

#include "engine/interp/compiler.h"
#include "engine/interp/instance.h"
#include "engine/interp/objects.h"
#include "engine/interp/trap_handler.h"

namespace capsule::internal::interp {

InterpModule::InterpModule(ModuleInfo info, ModuleDesc desc, const int32_t* handlers, std::vector<FunctionCode> codes)
    : Module(std::move(info)),
      desc_(std::move(desc)),
      handlers_(handlers),
      codes_(new std::atomic<const FunctionCode*>[desc_.bodies.size()]) {
  for (size_t i = 0; i < desc_.bodies.size(); ++i) {
    const FunctionCode* code = nullptr;
    if (i < codes.size()) {
      owned_.push_back(std::make_unique<FunctionCode>(std::move(codes[i])));
      code = owned_.back().get();
    }
    codes_[i].store(code, std::memory_order_relaxed);
  }
}

const FunctionCode* InterpModule::Translate(uint32_t index) const {
  std::lock_guard lock(mu_);
  if (const FunctionCode* code = codes_[index].load(std::memory_order_acquire)) return code;
  auto compiled = CompileFunction(desc_, index, handlers_);
  if (!compiled) return nullptr;
  owned_.push_back(std::make_unique<FunctionCode>(std::move(*compiled)));
  codes_[index].store(owned_.back().get(), std::memory_order_release);
  return owned_.back().get();
}

Result<std::shared_ptr<const Module>> InterpEngine::Compile(std::span<const uint8_t> wasm,
                                                            const CompileOptions& options) {
  auto parsed = ParseModule(wasm, options.max_memory_pages);
  if (!parsed) return parsed.take_error();
  auto desc = DecodeModule(std::move(parsed->bytes));
  if (!desc) return desc.take_error();
  // Every body is validated now, and validating a body is translating it (one pass): the code is kept, so no
  // function is translated twice (a CLI run translated most of a module twice: a quarter of its cold start).
  const int32_t* handlers = HandlerOffsets(guarded_);
  std::vector<FunctionCode> codes;
  codes.reserve(desc->bodies.size());
  for (uint32_t i = 0; i < desc->bodies.size(); ++i) {
    auto code = CompileFunction(*desc, i, handlers);
    if (!code) return code.take_error();
    codes.push_back(std::move(*code));
  }
  return std::shared_ptr<const Module>(
      std::make_shared<InterpModule>(std::move(parsed->info), std::move(*desc), handlers, std::move(codes)));
}

Result<std::unique_ptr<Context>> InterpEngine::NewContext() {
  auto executor = Executor::Create(guarded_);
  if (!executor) return executor.take_error();
  return std::unique_ptr<Context>(std::make_unique<InterpContext>(shared_from_this(), std::move(*executor)));
}

InterpContext::~InterpContext() {
  life_->alive = false;
  for (const auto& weak : memories_)
    if (auto memory = weak.lock()) memory->Invalidate();
  kept_.clear();
}

Result<std::unique_ptr<Instance>> InterpContext::Instantiate(std::shared_ptr<const Module> module,
                                                             std::shared_ptr<const Linker> linker, InstanceData data,
                                                             const CallOptions& options) {
  auto interp_module = std::dynamic_pointer_cast<const InterpModule>(module);
  if (!interp_module) return Fail(ErrorCode::kInvalidArgument, "module was compiled by another engine");
  return InterpInstance::Create(*this, std::move(interp_module), std::move(linker), std::move(data), options);
}

void InterpContext::Track(const std::shared_ptr<InterpMemory>& memory) {
  memories_.push_back(memory);
  if (memories_.size() >= prune_at_) {  // amortized: the list stays within twice its live memories
    std::erase_if(memories_, [](const auto& weak) { return weak.expired(); });
    prune_at_ = std::max<size_t>(64, 2 * memories_.size());
  }
}

Result<std::shared_ptr<Memory>> InterpContext::NewMemory(const Limits& limits) {
  auto memory = MakeMemory(limits, life_);
  if (!memory) return memory.take_error();
  Track(*memory);
  return std::shared_ptr<Memory>(std::move(*memory));
}

Result<std::shared_ptr<Table>> InterpContext::NewTable(const TableType& type, const Value& init) {
  auto table = MakeTable(type, init, life_);
  if (!table) return table.take_error();
  return std::shared_ptr<Table>(std::move(*table));
}

Result<std::shared_ptr<Global>> InterpContext::NewGlobal(const GlobalType& type, const Value& value) {
  auto global = MakeGlobal(type, value, life_);
  if (!global) return global.take_error();
  return std::shared_ptr<Global>(std::move(*global));
}

Result<std::shared_ptr<Engine>> CreateInterpEngine(const EngineOptions& options) {
  static std::once_flag once;
  static std::shared_ptr<InterpEngine>* engine = nullptr;  // lives as long as the process
  std::call_once(once, [&] {
    bool guarded = options.trap_handler;
#ifdef CAPSULE_SANITIZE
    guarded = false;  // AddressSanitizer owns SIGSEGV
#endif
    if (guarded) InstallTrapHandler();
    engine = new std::shared_ptr<InterpEngine>(std::make_shared<InterpEngine>(guarded));
  });
  return std::shared_ptr<Engine>(*engine);
}

}  // namespace capsule::internal::interp
