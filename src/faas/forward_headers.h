// Header rewriting for a reverse proxy: hop-by-hop headers out, X-Forwarded-* in.
#pragma once

#include <string_view>

#include "faas/beast_http.h"

namespace capsule::faas {

// Removes the hop-by-hop headers (RFC 9110 section 7.6.1): Connection and every header its value names,
// Keep-Alive, Proxy-* (Proxy-Connection, Proxy-Authorization, ...), TE, Trailer, Transfer-Encoding and Upgrade.
// The message must then be framed again (prepare_payload) before it is written.
void RemoveHopByHop(boost::beast::http::fields& fields);

// For a request on its way upstream: appends client_address to X-Forwarded-For (after the hops already listed),
// sets X-Forwarded-Host to the request's Host (removed when it has none) and X-Forwarded-Proto to proto.
void AddForwardedHeaders(boost::beast::http::fields& fields, std::string_view client_address, std::string_view proto);

}  // namespace capsule::faas
