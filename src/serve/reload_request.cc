#include "serve/reload_request.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace capsule::serve {

bool IsReloadPath(std::string_view path) {
  return path == "/capsule/reload" || path == "/load-wasm-module";
}

ReloadRequest ParseReloadRequest(std::string_view path, std::string_view body, std::string_view sent_token,
                                 std::string_view token) {
  ReloadRequest r;
  auto refuse = [&](int status, std::string message) {
    r.status = status;
    r.message = std::move(message);
    return r;
  };
  if (token.empty())
    return refuse(403,
                  "reload is disabled: start the runner with the environment variable CAPSULE_RELOAD_TOKEN set, and "
                  "send it in the CAPSULE_RELOAD_TOKEN header");
  if (sent_token != token) return refuse(401, "missing or wrong CAPSULE_RELOAD_TOKEN header");
  if (path == "/load-wasm-module") {
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_object())
      for (const char* key : {"url", "path"})
        if (r.source.empty() && doc.contains(key) && doc[key].is_string()) r.source = doc[key].get<std::string>();
    if (r.source.empty()) return refuse(400, "expected a JSON body {\"url\":\"...\"} or {\"path\":\"...\"}");
    return r;
  }
  std::string_view source = body;
  while (!source.empty() && std::isspace(static_cast<unsigned char>(source.back()))) source.remove_suffix(1);
  while (!source.empty() && std::isspace(static_cast<unsigned char>(source.front()))) source.remove_prefix(1);
  if (source.empty()) return refuse(400, "expected the module's URL or path as the request body");
  r.source = std::string(source);
  return r;
}

}  // namespace capsule::serve
