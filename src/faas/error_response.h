// The replies the proxy gives in place of an upstream's when it cannot get one.
#pragma once

#include <string_view>

#include "faas/beast_http.h"

namespace capsule::faas {

// A complete response: status, `Content-Type: text/plain; charset=utf-8`, the text as body (a newline added),
// framed by Content-Length, in HTTP version `version` (10 or 11).
ProxyResponse TextResponse(boost::beast::http::status status, std::string_view text, unsigned version);

}  // namespace capsule::faas
