// How a runner serving HTTP (capsule-http, capsule-nats --http) calls a guest: an HTTP request to the module's HTTP
// entry (current callHandleHTTP, legacy callHandleHttp in any of its shapes, or the OnHealthCheck / OnMetrics hooks)
// and its answer back as a reply.
#pragma once

#include <optional>
#include <string_view>

#include "capsule/http_abi.h"
#include "capsule/module_info.h"
#include "serve/guest.h"
#include "serve/module_store.h"
#include "serve/worker_pool.h"

namespace capsule::serve {

// The exports a module serves HTTP through, for CompileModuleVersion.
Entries HttpEntries();

// Which guest entry a request goes to.
enum class HttpRoute { kHandler, kHealth, kMetrics };

// The entry a request goes to, as Capsule routed it: GET /health to OnHealthCheck and GET /metrics to OnMetrics when
// the module exports them (nullopt when it does not: the runner answers those itself), anything else to the handler.
std::optional<HttpRoute> GuestRouteOf(bool get, std::string_view path, const ModuleInfo& info);

// Serves one request on route with guest. Never fails: guest failures become 500, timeouts 504; *outcome says
// whether the instance may still be used (kOk) or must be discarded.
HttpReply ServeHttp(Guest& guest, HttpRoute route, const HttpRequest& request, Outcome* outcome);

// Serves one request with the calling worker's guest (WorkerPool::Acquire / Release): a guest that cannot be
// started gives 500. Must be called on a worker thread of pool.
HttpReply ServeHttpOnWorker(WorkerPool& pool, HttpRoute route, const HttpRequest& request);

}  // namespace capsule::serve
