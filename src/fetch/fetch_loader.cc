// Fetch: opens libcapsule_fetch.so once and calls its entry point.
#include <strings.h>

#include <cstdlib>

#include "capsule/http_abi.h"
#include "engine/plugin_library.h"
#include "fetch/fetch.h"
#include "fetch/fetch_entry.h"
#include "fetch/proxy.h"

namespace capsule::fetch {
namespace {

// The value of an Authorization (or Proxy-Authorization) header for a URL's percent-encoded "user:password".
std::string BasicCredentials(const std::string& userinfo) {
  return "Basic " + EncodeBase64(PercentDecode(userinfo));
}

}  // namespace

Result<FetchResponse> Fetch(const FetchRequest& request) {
  static internal::LazyPlugin plugin(internal::PluginSpec{"the HTTP client", "libcapsule_fetch.so",
                                                          "CAPSULE_FETCH_LIBRARY",
#ifdef CAPSULE_FETCH_BUILD_LIBRARY
                                                          CAPSULE_FETCH_BUILD_LIBRARY,
#else
                                                          nullptr,
#endif
#ifdef CAPSULE_FETCH_INSTALL_LIBRARY
                                                          CAPSULE_FETCH_INSTALL_LIBRARY,
#else
                                                          nullptr,
#endif
                                                          kFetchEntryName});
  const Result<void*>& entry = plugin.entry();
  if (!entry) return entry.error();
  auto proxy = ProxyFromEnvironment(request.url, [](const char* name) -> const char* { return std::getenv(name); });
  if (!proxy) return proxy.take_error();
  bool add_authorization = !request.url.userinfo.empty();  // user:password@host -> HTTP basic authentication
  for (const auto& [name, value] : request.headers)
    add_authorization = add_authorization && ::strcasecmp(name.c_str(), "Authorization") != 0;  // unless given
  const FetchRequest* sent = &request;
  FetchRequest changed;  // a copy only when something is added: the body may be large
  if (add_authorization || *proxy || request.proxy || !request.proxy_authorization.empty()) {
    changed = request;
    if (add_authorization) changed.headers.emplace_back("Authorization", BasicCredentials(request.url.userinfo));
    changed.proxy = std::move(*proxy);
    changed.proxy_authorization =
        changed.proxy && !changed.proxy->userinfo.empty() ? BasicCredentials(changed.proxy->userinfo) : "";
    sent = &changed;
  }
  Result<FetchResponse> response = Fail(ErrorCode::kInternal, "the HTTP client gave no answer");
  reinterpret_cast<FetchEntry>(entry.value())(sent, &response);
  return response;
}

std::string HeaderValue(const FetchResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers)
    if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
  return "";
}

}  // namespace capsule::fetch
