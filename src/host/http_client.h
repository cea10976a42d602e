// Outbound HTTP for hostHTTP / hostHttp: the HDK's HTTP client (fetch/fetch.h) under the Policy's allow-list, timeout,
// size limit and redirect rules.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "capsule/policy.h"
#include "capsule/result.h"

namespace capsule::host {

// One outbound request.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The final response (after redirects).
struct HttpResponse {
  int status = 0;
  // Canonical header names (Content-Type) -> values in arrival order, sorted by name as Go's JSON does.
  std::map<std::string, std::vector<std::string>> headers;
  std::string body;
};

// Sends request. Only http and https URLs whose host Policy::HostAllowed; redirects are followed by hand, each
// target checked against the allow-list (301/302/303 turn into GET without a body, as Go does; Authorization,
// Proxy-Authorization, Cookie and WWW-Authenticate are not sent on to another origin). Errors
// (kInvalidArgument, kIo, kResourceLimit, kInterrupted) carry a message for the guest: refused host, timeout
// after policy.http_timeout, body over policy.http_max_response_bytes, too many redirects, network failure.
Result<HttpResponse> SendHttp(const Policy& policy, HttpRequest request);

// The Content-Type value of a response, "" when absent.
std::string ContentType(const HttpResponse& response);

}  // namespace capsule::host
