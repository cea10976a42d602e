// Reading a hot-reload request, the same in every runner that takes one over HTTP (capsule-http's own routes, the
// message runners' --metrics-port): POST /capsule/reload with the module's path or URL as the body, or Capsule's
// POST /load-wasm-module with {"url":"..."} or {"path":"..."}, each guarded by the CAPSULE_RELOAD_TOKEN header.
#pragma once

#include <string>
#include <string_view>

namespace capsule::serve {

// The two reload routes.
bool IsReloadPath(std::string_view path);

// What a reload request asks for: the source to load, or the status and message to refuse it with.
struct ReloadRequest {
  int status = 0;       // 0: accepted; else 403 (reload disabled), 401 (token), 400 (body)
  std::string message;  // why it was refused
  std::string source;   // the path or URL, when accepted
};

// Checks a POST to path (one of the reload routes) with body and the CAPSULE_RELOAD_TOKEN header value sent, against
// the configured token (empty: reload disabled).
ReloadRequest ParseReloadRequest(std::string_view path, std::string_view body, std::string_view sent_token,
                                 std::string_view token);

}  // namespace capsule::serve
