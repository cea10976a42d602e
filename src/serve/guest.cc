#include "serve/guest.h"

#include "capsule/abi.h"

namespace capsule::serve {

Result<std::unique_ptr<Guest>> Guest::Create(Context& context, std::shared_ptr<const ModuleVersion> version,
                                             const GuestSettings& settings) {
  std::unique_ptr<Guest> g(new Guest());
  g->version_ = std::move(version);
  g->settings_ = &settings;
  WasiOptions& wasi = g->wasi_options_;
  wasi.args = {g->version_->source};
  wasi.stdin_fd = -1;
  wasi.preopens = settings.preopens;
  auto wasi_context = WasiContext::Create(wasi);
  if (!wasi_context) return wasi_context.take_error();
  g->wasi_ = std::move(*wasi_context);
  InstanceData data;
  data.set<WasiContext>(g->wasi_.get());
  auto instance = InstantiateCapsuleModule(context, g->version_->module, settings.linker, std::move(data));
  if (!instance) return instance.take_error();
  g->instance_ = std::move(*instance);

  const ModuleInfo& info = g->version_->module->info();
  if (info.ExportsFunc("_start")) {
    auto code = RunWasiStart(*g->instance_, g->call_options());
    if (!code) return Fail(code.error().code, "_start failed: " + code.error().message);
    if (*code != 0) return Fail(ErrorCode::kExit, "_start exited with code " + std::to_string(*code));
  } else if (info.ExportsFunc("_initialize")) {
    auto r = g->instance_->Call("_initialize", {}, g->call_options());
    if (!r) return Fail(r.error().code, "_initialize failed: " + r.error().message);
  }
  const char* hook = g->version_->abi.kind == AbiKind::kLegacy ? "OnLoad" : "OnStart";
  if (auto st = g->CallHook(hook); !st)
    return Fail(st.error().code, std::string(hook) + " failed: " + st.error().message);
  // Recycling gives the restored instance a new WASI context: only sound when start left the fds as created.
  g->saved_ = settings.recycle && !g->wasi_->FdsChanged() && g->instance_->SaveState().ok();
  return g;
}

Guest::~Guest() {
  instance_.reset();
  wasi_.reset();
}

CallOptions Guest::call_options() const {
  CallOptions o;
  if (settings_->timeout) o.deadline = std::chrono::steady_clock::now() + *settings_->timeout;
  return o;
}

Status Guest::CallHook(const char* name) {
  if (!version_->module->info().ExportsFunc(name)) return Status::Ok();
  auto r = instance_->Call(name, {}, call_options());
  if (!r) return r.take_error();
  return Status::Ok();
}

bool Guest::Recycle() {
  if (!saved_ || !instance_->healthy() || !instance_->RestoreState().ok()) return false;
  next_request_id_ = 1;
  if (!wasi_->FdsChanged()) return true;           // as created: the same as a new one (WasiContext::FdsChanged)
  auto wasi = WasiContext::Create(wasi_options_);  // no file the last request opened stays open
  if (!wasi) return false;
  instance_->data().set<WasiContext>(wasi->get());
  wasi_ = std::move(*wasi);
  return true;
}

void Guest::Stop() {
  if (!instance_->healthy()) return;
  (void)CallHook(version_->abi.kind == AbiKind::kLegacy ? "OnExit" : "OnStop");
}

}  // namespace capsule::serve
