// Test helper: runs a test guest (CAPSULE_GUEST_DIR/<name>.wasm) with WASI and the Capsule host functions, the way a
// runner does, and captures what the host functions print.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "capsule/abi.h"
#include "capsule/engine.h"
#include "capsule/host.h"
#include "capsule/wasi.h"

namespace capsule::testing {

// Text written by host functions, shared with the sink handed to them.
class CapturedOutput {
 public:
  OutputSink Sink() {
    return [this](std::string_view text) {
      std::lock_guard lock(mu_);
      text_ += text;
    };
  }
  std::string Text() {
    std::lock_guard lock(mu_);
    return text_;
  }
  void Clear() {
    std::lock_guard lock(mu_);
    text_.clear();
  }

 private:
  std::mutex mu_;
  std::string text_;
};

// One started guest: its context, WASI state and instance, destroyed in the right order.
class Guest {
 public:
  // Compiles guest `name`, instantiates it and runs `_start`. host.out is replaced by the capture.
  static Result<std::unique_ptr<Guest>> Start(std::string_view name, HostOptions host = {}, WasiOptions wasi = {}) {
    auto guest = std::unique_ptr<Guest>(new Guest());
    host.out = guest->output_.Sink();
    auto bytes = ReadFileBytes(std::string(CAPSULE_GUEST_DIR) + "/" + std::string(name) + ".wasm");
    if (!bytes) return bytes.take_error();
    auto engine = Engine::Create();
    if (!engine) return engine.take_error();
    auto module = (*engine)->Compile(*bytes);
    if (!module) return module.take_error();
    guest->module_ = *module;
    auto context = (*engine)->NewContext();
    if (!context) return context.take_error();
    guest->context_ = std::move(*context);
    auto linker = std::make_shared<Linker>();
    AddWasiToLinker(*linker);
    AddCapsuleHostFunctions(*linker, host);
    if (wasi.args.empty()) wasi.args = {std::string(name)};
    auto wasi_context = WasiContext::Create(wasi);
    if (!wasi_context) return wasi_context.take_error();
    guest->wasi_ = std::move(*wasi_context);
    InstanceData data;
    data.set<WasiContext>(guest->wasi_.get());
    auto instance = InstantiateCapsuleModule(*guest->context_, guest->module_, linker, std::move(data));
    if (!instance) return instance.take_error();
    guest->instance_ = std::move(*instance);
    auto code = RunWasiStart(*guest->instance_);
    if (!code) return code.take_error();
    if (*code != 0) return Fail(ErrorCode::kExit, "_start exited with " + std::to_string(*code));
    return guest;
  }

  ~Guest() {
    instance_.reset();
    wasi_.reset();
    context_.reset();
  }

  Instance& instance() { return *instance_; }
  const Module& module() const { return *module_; }
  CapturedOutput& output() { return output_; }

 private:
  Guest() = default;
  CapturedOutput output_;
  std::shared_ptr<const Module> module_;
  std::unique_ptr<Context> context_;
  std::unique_ptr<WasiContext> wasi_;
  std::unique_ptr<Instance> instance_;
};

}  // namespace capsule::testing
