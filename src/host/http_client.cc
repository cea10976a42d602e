// SendHttp: one libcurl easy handle per hop, redirects checked against the allow-list before they are followed.
#include "host/http_client.h"

#include <chrono>
#include <cstdlib>
#include <memory>

#include "capsule/http_abi.h"
#include "host/curl_api.h"

namespace capsule::host {
namespace {

struct Transfer {
  uint64_t max_bytes = 0;
  bool too_large = false;
  HttpResponse response;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->response.body.size() + n > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->response.body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();  // a new response (after 100 Continue)
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string value = line.substr(colon + 1);
  size_t start = value.find_first_not_of(" \t");
  value = start == std::string::npos ? "" : value.substr(start);
  t->response.headers[CanonicalHeaderName(line.substr(0, colon))].push_back(value);
  return n;
}

// The scheme, host and port of url; kInvalidArgument for anything but http(s).
struct Target {
  std::string host;
  int port = 0;
};
Result<Target> ParseTarget(const CurlApi& curl, const std::string& url) {
  std::unique_ptr<CURLU, decltype(curl.url_cleanup)> u(curl.url(), curl.url_cleanup);
  if (!u || curl.url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return Fail(ErrorCode::kInvalidArgument, "invalid URL \"" + url + "\"");
  char* scheme = nullptr;
  std::string s;
  if (curl.url_get(u.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK) s = scheme;
  curl.free(scheme);
  if (s != "http" && s != "https")
    return Fail(ErrorCode::kInvalidArgument, "unsupported URL scheme \"" + s + "\" (http and https only)");
  char *host = nullptr, *port = nullptr;
  Target target;
  bool ok = curl.url_get(u.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK &&
            curl.url_get(u.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK;
  if (ok) {
    target.host = host;
    if (target.host.size() > 2 && target.host.front() == '[')
      target.host = target.host.substr(1, target.host.size() - 2);
    target.port = std::atoi(port);
  }
  curl.free(host);
  curl.free(port);
  if (!ok) return Fail(ErrorCode::kInvalidArgument, "invalid URL \"" + url + "\"");
  return target;
}

Status CheckAllowed(const CurlApi& curl, const Policy& policy, const std::string& url) {
  auto target = ParseTarget(curl, url);
  if (!target) return target.take_error();
  if (!policy.HostAllowed(target->host, target->port))
    return Fail(ErrorCode::kInvalidArgument,
                "host " + target->host + ":" + std::to_string(target->port) + " is not allowed (see --allow-host)");
  return Status::Ok();
}

}  // namespace

std::string ContentType(const HttpResponse& response) {
  auto it = response.headers.find("Content-Type");
  return it == response.headers.end() || it->second.empty() ? "" : it->second.back();
}

Result<HttpResponse> SendHttp(const Policy& policy, HttpRequest request) {
  auto loaded = Curl();
  if (!loaded) return Fail(ErrorCode::kIo, "outbound HTTP is unavailable: " + loaded.error().message);
  const CurlApi& api = **loaded;
  const auto deadline = std::chrono::steady_clock::now() + policy.http_timeout;
  for (int hop = 0;; ++hop) {
    if (auto st = CheckAllowed(api, policy, request.url); !st) return st.take_error();
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Fail(ErrorCode::kInterrupted, "timeout: no answer within the http timeout");

    std::unique_ptr<CURL, decltype(api.easy_cleanup)> curl(api.easy_init(), api.easy_cleanup);
    if (!curl) return Fail(ErrorCode::kInternal, "cannot create an HTTP client");
    CURL* c = curl.get();
    Transfer t;
    t.max_bytes = policy.http_max_response_bytes;
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers)
      headers = api.slist_append(headers, (name + ": " + value).c_str());
    std::unique_ptr<curl_slist, decltype(api.slist_free_all)> header_list(headers, api.slist_free_all);
    api.easy_setopt(c, CURLOPT_URL, request.url.c_str());
    api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    api.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
    api.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(policy.http_max_response_bytes));
    api.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    api.easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
    api.easy_setopt(c, CURLOPT_WRITEDATA, &t);
    api.easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    api.easy_setopt(c, CURLOPT_HEADERDATA, &t);
    api.easy_setopt(c, CURLOPT_USERAGENT, "capsule");
    if (request.method == "GET") {
      api.easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
      api.easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      api.easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
      api.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    CURLcode rc = api.easy_perform(c);
    if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED)
      return Fail(ErrorCode::kResourceLimit,
                  "the response is larger than " + std::to_string(policy.http_max_response_bytes) + " bytes");
    if (rc == CURLE_OPERATION_TIMEDOUT)
      return Fail(ErrorCode::kInterrupted,
                  "timeout: no answer within " + std::to_string(policy.http_timeout.count()) + "ms");
    if (rc != CURLE_OK)
      return Fail(ErrorCode::kIo, std::string(request.method) + " " + request.url + ": " + api.easy_strerror(rc));
    long status = 0;
    api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    t.response.status = static_cast<int>(status);
    char* location = nullptr;
    api.easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
    if (status < 300 || status > 399 || !location) return std::move(t.response);
    if (hop >= policy.http_max_redirects)
      return Fail(ErrorCode::kInvalidArgument, "stopped after " + std::to_string(hop) + " redirects");
    request.url = location;
    if (status == 301 || status == 302 || status == 303) {
      if (request.method != "GET") request.method = "GET";
      request.body.clear();
    }
  }
}

}  // namespace capsule::host
