// SendHttp: one exchange per hop through the HDK's HTTP client (fetch/fetch.h), redirects checked against the
// allow-list before they are followed.
#include "host/http_client.h"

#include <chrono>

#include "capsule/http_abi.h"
#include "fetch/fetch.h"

namespace capsule::host {
namespace {

// Headers that carry credentials: not forwarded to another server by a redirect (Go's client does the same).
bool IsCredentialHeader(const std::string& name) {
  for (const char* h : {"Authorization", "Proxy-Authorization", "Cookie", "WWW-Authenticate"})
    if (CanonicalHeaderName(name) == h) return true;
  return false;
}

Result<fetch::HttpUrl> AllowedUrl(const Policy& policy, const std::string& url) {
  auto parsed = fetch::ParseHttpUrl(url);
  if (!parsed) return parsed.take_error();
  if (!policy.HostAllowed(parsed->host, parsed->port))
    return Fail(ErrorCode::kInvalidArgument,
                "host " + parsed->host + ":" + std::to_string(parsed->port) + " is not allowed (see --allow-host)");
  return parsed;
}

}  // namespace

std::string ContentType(const HttpResponse& response) {
  auto it = response.headers.find("Content-Type");
  return it == response.headers.end() || it->second.empty() ? "" : it->second.back();
}

Result<HttpResponse> SendHttp(const Policy& policy, HttpRequest request) {
  const auto deadline = std::chrono::steady_clock::now() + policy.http_timeout;
  for (int hop = 0;; ++hop) {
    auto url = AllowedUrl(policy, request.url);
    if (!url) return url.take_error();
    if (std::chrono::steady_clock::now() >= deadline)
      return Fail(ErrorCode::kInterrupted, "timeout: no answer within the http timeout");
    fetch::FetchRequest exchange;
    exchange.method = request.method;
    exchange.url = *url;
    exchange.headers = request.headers;
    exchange.body = request.body;
    exchange.deadline = deadline;
    exchange.max_body_bytes = policy.http_max_response_bytes;
    auto answer = fetch::Fetch(exchange);
    if (!answer) {
      const Error& e = answer.error();
      if (e.code == ErrorCode::kInterrupted)
        return Fail(ErrorCode::kInterrupted,
                    "timeout: no answer within " + std::to_string(policy.http_timeout.count()) + "ms");
      if (e.code == ErrorCode::kResourceLimit || e.code == ErrorCode::kInvalidArgument) return answer.take_error();
      return Fail(e.code == ErrorCode::kNotFound ? ErrorCode::kIo : e.code,
                  request.method + " " + request.url + ": " + e.message);
    }
    const std::string location = fetch::HeaderValue(*answer, "Location");
    const int status = answer->status;
    if (status < 300 || status > 399 || location.empty()) {
      HttpResponse response;
      response.status = status;
      for (auto& [name, value] : answer->headers) response.headers[CanonicalHeaderName(name)].push_back(value);
      response.body = std::move(answer->body);
      return response;
    }
    if (hop >= policy.http_max_redirects)
      return Fail(ErrorCode::kInvalidArgument, "stopped after " + std::to_string(hop) + " redirects");
    request.url = fetch::ResolveReference(*url, location);
    if (auto next = fetch::ParseHttpUrl(request.url); next && !fetch::SameOrigin(*url, *next))
      std::erase_if(request.headers, [](const auto& header) { return IsCredentialHeader(header.first); });
    if (status == 301 || status == 302 || status == 303) {
      if (request.method != "GET") request.method = "GET";
      request.body.clear();
    }
  }
}

}  // namespace capsule::host
