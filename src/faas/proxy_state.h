// What a proxy's exchanges share with it (internal to capsule_faas_proxy): its loop, options and connection pool.
#pragma once

#include <cstdint>

#include "faas/http_proxy.h"
#include "faas/upstream_pool.h"

namespace capsule::faas {

// Lives as long as the proxy or its last exchange in flight; used on the proxy's loop only.
struct HttpProxy::State {
  State(Executor e, ProxyOptions o)
      : executor(e), options(o), pool(options.max_idle_per_upstream, options.max_idle_time) {}

  Executor executor;
  ProxyOptions options;
  UpstreamPool pool;
  uint64_t connections_opened = 0;
};

}  // namespace capsule::faas
