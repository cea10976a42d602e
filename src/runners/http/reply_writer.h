// Serializes capsule-http's replies as HTTP/1.1 responses, into a buffer the connection reuses.
#pragma once

#include <string>
#include <string_view>

#include "capsule/http_abi.h"

namespace capsule::http {

// How the request that is answered framed itself.
struct ReplyFraming {
  bool keep_alive = true;  // keep the connection open after this reply
  bool http10 = false;     // the request was HTTP/1.0: keep-alive must be said explicitly
  bool head = false;       // a HEAD request: the body is left out, its Content-Length stays
};

// Writes reply as an HTTP/1.1 response (status line, headers, body) into *out, replacing its content but keeping
// its capacity. Content-Length and Connection are the server's: the guest's own, its Transfer-Encoding, and any
// header whose name is not an HTTP token or whose value holds CR, LF or NUL are dropped, so that no reply can be
// split or mis-framed. A reply without Content-Type gets `text/plain; charset=utf-8` (as Capsule's Go server
// did), and one without Date gets the current date.
void WriteReply(const HttpReply& reply, const ReplyFraming& framing, std::string* out);

}  // namespace capsule::http
