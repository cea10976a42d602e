#include "runners/http/guest.h"

#include "capsule/host.h"

namespace capsule::http {

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
    auto code = RunWasiStart(*g->instance_, g->Options());
    if (!code) return Fail(code.error().code, "_start failed: " + code.error().message);
    if (*code != 0) return Fail(ErrorCode::kExit, "_start exited with code " + std::to_string(*code));
  } else if (info.ExportsFunc("_initialize")) {
    auto r = g->instance_->Call("_initialize", {}, g->Options());
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

CallOptions Guest::Options() const {
  CallOptions o;
  if (settings_->timeout) o.deadline = std::chrono::steady_clock::now() + *settings_->timeout;
  return o;
}

Status Guest::CallHook(const char* name) {
  if (!version_->module->info().ExportsFunc(name)) return Status::Ok();
  auto r = instance_->Call(name, {}, Options());
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

HttpReply Guest::Serve(Route route, const HttpRequest& request, Outcome* outcome) {
  *outcome = Outcome::kOk;
  const CallOptions options = Options();
  Result<Reply> reply = Fail(ErrorCode::kInternal, "unreachable");
  const char* name = "callHandleHTTP";
  if (route == Route::kHealth || route == Route::kMetrics) {
    name = route == Route::kHealth ? "OnHealthCheck" : "OnMetrics";
    reply = CallHttpHook(*instance_, name, options);
  } else if (version_->abi.kind == AbiKind::kLegacy) {
    name = "callHandleHttp";
    const LegacyHttpShape shape = version_->abi.legacy_http;
    if (shape == LegacyHttpShape::kRequestId) {  // the module fetches the request with hostRequestParamsGet
      LegacyRequest legacy{next_request_id_++, request.body, JoinLegacyHeaders(request, shape), request.uri,
                           request.method};
      instance_->data().set<LegacyRequest>(&legacy);
      reply = CallLegacyHandleHttp(*instance_, shape, request, legacy.id, options);
      instance_->data().set<LegacyRequest>(nullptr);
    } else {
      reply = CallLegacyHandleHttp(*instance_, shape, request, 0, options);
    }
  } else {
    reply = CallHandler(*instance_, name, EncodeHttpRequestJson(request), options);
  }
  if (!reply) {
    const Error& e = reply.error();
    if (e.code == ErrorCode::kInterrupted) {
      *outcome = Outcome::kTimeout;
      return TextReply(
          504, "timeout: the module ran longer than --timeout=" + settings_->timeout_text + " and was interrupted\n");
    }
    *outcome = Outcome::kTrap;
    return TextReply(500, std::string(e.code_name()) + ": " + e.message + "\n");
  }
  if (version_->abi.kind == AbiKind::kLegacy && route == Route::kHandler)
    return DecodeLegacyHttpReply(*reply, version_->abi.legacy_http);
  return DecodeHttpReply(*reply, name);
}

}  // namespace capsule::http
