// One outbound HTTP(S) exchange for the HDK (the hostHTTP host functions, module downloads, capsctl). The client,
// on Boost.Beast and OpenSSL, is a library of its own (libcapsule_fetch.so) that Fetch opens on first use, so that a
// process that never calls out never loads OpenSSL (linking it costs a CLI run about 4 ms).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capsule/result.h"
#include "fetch/url.h"

namespace capsule::fetch {

// A request, sent as given: no redirect is followed, no cookie kept.
struct FetchRequest {
  std::string method = "GET";
  HttpUrl url;
  std::vector<std::pair<std::string, std::string>> headers;  // Host, User-Agent and Accept are added when absent
  std::string body;                                          // sent with Content-Length when not empty
  std::chrono::steady_clock::time_point deadline;            // for the whole exchange
  std::chrono::milliseconds connect_timeout{0};              // resolving and connecting; 0: only the deadline
  uint64_t max_body_bytes = 16u << 20;                       // a larger response body fails
  std::string user_agent = "capsule";
  // The HTTP proxy to go through (http URLs: the request in absolute form; https URLs: a CONNECT tunnel) and the
  // Proxy-Authorization sent to it. Fetch sets both from the environment (ProxyFromEnvironment, the proxy's
  // user:password@ as basic authentication); what a caller puts here is replaced.
  std::optional<HttpUrl> proxy;
  std::string proxy_authorization;
};

// The response, whatever its status.
struct FetchResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;
};

// Sends request and reads its response over http, or https with the peer's certificate verified against the system's
// CA certificates (OpenSSL's defaults, so SSL_CERT_FILE and SSL_CERT_DIR apply) and its name (SNI sent), through the
// proxy the environment names for its URL (proxy.h). Errors: kInterrupted when the deadline (or connect_timeout)
// passes, kResourceLimit for a body over max_body_bytes, kIo for a failure to resolve, connect, verify or read, or a
// proxy's refusal (the message says which and why), kInvalidArgument for a proxy variable that cannot be used,
// kNotFound when the client library cannot be loaded.
Result<FetchResponse> Fetch(const FetchRequest& request);

// The value of the response's first header called name (case-insensitive), "" when absent.
std::string HeaderValue(const FetchResponse& response, std::string_view name);

}  // namespace capsule::fetch
