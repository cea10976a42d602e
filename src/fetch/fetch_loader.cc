// Fetch: opens libcapsule_fetch.so once and calls its entry point.
#include <strings.h>

#include <mutex>

#include "capsule/http_abi.h"
#include "engine/plugin_library.h"
#include "fetch/fetch.h"
#include "fetch/fetch_entry.h"

namespace capsule::fetch {

Result<FetchResponse> Fetch(const FetchRequest& request) {
  static const internal::PluginSpec kSpec{"the HTTP client",
                                          "libcapsule_fetch.so",
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
                                          kFetchEntryName};
  static std::once_flag once;
  static const Result<void*>* entry = nullptr;  // never destroyed: read by every later call
  std::call_once(once, [] { entry = new Result<void*>(internal::LoadPluginEntry(kSpec)); });
  if (!*entry) return entry->error();
  const FetchRequest* sent = &request;
  FetchRequest with_credentials;
  if (!request.url.userinfo.empty()) {  // user:password@host -> HTTP basic authentication, unless given
    bool given = false;
    for (const auto& [name, value] : request.headers) given = given || ::strcasecmp(name.c_str(), "Authorization") == 0;
    if (!given) {
      with_credentials = request;
      with_credentials.headers.emplace_back("Authorization",
                                            "Basic " + EncodeBase64(PercentDecode(request.url.userinfo)));
      sent = &with_credentials;
    }
  }
  Result<FetchResponse> response = Fail(ErrorCode::kInternal, "the HTTP client gave no answer");
  reinterpret_cast<FetchEntry>(entry->value())(sent, &response);
  return response;
}

std::string HeaderValue(const FetchResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers)
    if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
  return "";
}

}  // namespace capsule::fetch
