// One request/response exchange with an upstream: the connection (pooled or new), the timeout, the one retry on a
// pooled connection found closed, and the mapping of failures to replies (internal to capsule_faas_proxy).
#pragma once

#include <cstdint>
#include <memory>

#include "faas/proxy_state.h"

namespace capsule::faas {

// Sends request (ready for the upstream: target, headers, framing) to 127.0.0.1:port and calls done, later, on the
// state's loop, with the upstream's response (hop-by-hop headers removed, framed again) or a 502/503/504 reply;
// both in HTTP version client_version. Never calls done before returning.
void StartExchange(std::shared_ptr<HttpProxy::State> state, ProxyRequest request, uint16_t port,
                   unsigned client_version, HttpProxy::Callback done);

}  // namespace capsule::faas
