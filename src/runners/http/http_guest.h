// How capsule-http calls a guest: an HTTP request to the module's HTTP entry (current callHandleHTTP, legacy
// callHandleHttp in any of its shapes, or the OnHealthCheck / OnMetrics hooks) and its answer back as a reply.
#pragma once

#include "capsule/http_abi.h"
#include "serve/guest.h"
#include "serve/worker_pool.h"

namespace capsule::http {

// Which guest entry a request goes to.
enum class Route { kHandler, kHealth, kMetrics };

// Serves one request on route with guest. Never fails: guest failures become 500, timeouts 504; *outcome says
// whether the instance may still be used (kOk) or must be discarded.
HttpReply ServeHttp(serve::Guest& guest, Route route, const HttpRequest& request, serve::Outcome* outcome);

// Serves one request with the calling worker's guest (WorkerPool::Acquire / Release): a guest that cannot be
// started gives 500. Must be called on a worker thread of pool.
HttpReply ServeHttpOnWorker(serve::WorkerPool& pool, Route route, const HttpRequest& request);

}  // namespace capsule::http
