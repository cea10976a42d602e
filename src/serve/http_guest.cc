#include "serve/http_guest.h"

#include "capsule/host.h"

namespace capsule::serve {
namespace {

constexpr std::string_view kHttpEntryNames[] = {"callHandleHTTP", "callHandleHttp"};

}  // namespace

Entries HttpEntries() {
  return {"HTTP", kHttpEntryNames};
}

std::optional<HttpRoute> GuestRouteOf(bool get, std::string_view path, const ModuleInfo& info) {
  if (!get) return HttpRoute::kHandler;
  if (path == "/health") return info.ExportsFunc("OnHealthCheck") ? std::optional(HttpRoute::kHealth) : std::nullopt;
  if (path == "/metrics") return info.ExportsFunc("OnMetrics") ? std::optional(HttpRoute::kMetrics) : std::nullopt;
  return HttpRoute::kHandler;
}

HttpReply ServeHttp(Guest& guest, HttpRoute route, const HttpRequest& request, Outcome* outcome) {
  *outcome = Outcome::kOk;
  const CallOptions options = guest.call_options();
  Instance& instance = guest.instance();
  const AbiInfo& abi = guest.version()->abi;
  Result<Reply> reply = Fail(ErrorCode::kInternal, "unreachable");
  const char* name = "callHandleHTTP";
  if (route == HttpRoute::kHealth || route == HttpRoute::kMetrics) {
    name = route == HttpRoute::kHealth ? "OnHealthCheck" : "OnMetrics";
    reply = CallHttpHook(instance, name, options);
  } else if (abi.kind == AbiKind::kLegacy) {
    name = "callHandleHttp";
    const LegacyHttpShape shape = abi.legacy_http;
    if (shape == LegacyHttpShape::kRequestId) {  // the module fetches the request with hostRequestParamsGet
      LegacyRequest legacy{guest.NextRequestId(), request.body, JoinLegacyHeaders(request, shape), request.uri,
                           request.method};
      instance.data().set<LegacyRequest>(&legacy);
      reply = CallLegacyHandleHttp(instance, shape, request, legacy.id, options);
      instance.data().set<LegacyRequest>(nullptr);
    } else {
      reply = CallLegacyHandleHttp(instance, shape, request, 0, options);
    }
  } else {
    reply = CallHandler(instance, name, EncodeHttpRequestJson(request), options);
  }
  if (!reply) {
    const Error& e = reply.error();
    if (e.code == ErrorCode::kInterrupted) {
      *outcome = Outcome::kTimeout;
      return TextReply(504, "timeout: the module ran longer than --timeout=" + guest.settings().timeout_text +
                                " and was interrupted\n");
    }
    *outcome = Outcome::kTrap;
    return TextReply(500, std::string(e.code_name()) + ": " + e.message + "\n");
  }
  if (abi.kind == AbiKind::kLegacy && route == HttpRoute::kHandler)
    return DecodeLegacyHttpReply(*reply, abi.legacy_http);
  return DecodeHttpReply(*reply, name);
}

HttpReply ServeHttpOnWorker(WorkerPool& pool, HttpRoute route, const HttpRequest& request) {
  auto guest = pool.Acquire();
  if (!guest) return TextReply(500, "the module could not be started: " + guest.error().message + "\n");
  Outcome outcome;
  HttpReply reply = ServeHttp(**guest, route, request, &outcome);
  pool.Release(outcome);
  return reply;
}

}  // namespace capsule::serve
