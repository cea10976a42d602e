#include "faas/forward_headers.h"

#include <string>
#include <vector>

namespace capsule::faas {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The header names listed in the Connection headers' values ("close" and "keep-alive" included: harmless).
std::vector<std::string> NamedByConnection(const bhttp::fields& fields) {
  std::vector<std::string> names;
  for (const auto& field : fields) {
    if (field.name() != bhttp::field::connection) continue;
    std::string_view value = field.value();
    while (!value.empty()) {
      const size_t comma = value.find(',');
      const std::string_view token = Trim(value.substr(0, comma));
      if (!token.empty()) names.emplace_back(token);
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    }
  }
  return names;
}

bool IsHopByHop(std::string_view name) {
  static constexpr std::string_view kNames[] = {"connection", "keep-alive",        "te",
                                                "trailer",    "transfer-encoding", "upgrade"};
  for (std::string_view hop : kNames)
    if (beast::iequals(name, hop)) return true;
  return name.size() >= 6 && beast::iequals(name.substr(0, 6), "proxy-");
}

}  // namespace

void RemoveHopByHop(bhttp::fields& fields) {
  for (const std::string& name : NamedByConnection(fields)) fields.erase(name);
  for (auto it = fields.begin(); it != fields.end();) {
    if (IsHopByHop(it->name_string())) {
      it = fields.erase(it);
    } else {
      ++it;
    }
  }
}

void AddForwardedHeaders(bhttp::fields& fields, std::string_view client_address, std::string_view proto) {
  // Several X-Forwarded-For lines mean one comma-separated list, in order (fields iterate in arrival order).
  std::string chain;
  for (const auto& field : fields) {
    if (!beast::iequals(field.name_string(), "X-Forwarded-For")) continue;
    const std::string_view value = Trim(field.value());
    if (value.empty()) continue;
    if (!chain.empty()) chain += ", ";
    chain.append(value);
  }
  if (!client_address.empty()) {
    if (!chain.empty()) chain += ", ";
    chain.append(client_address);
  }
  fields.erase("X-Forwarded-For");
  if (!chain.empty()) fields.set("X-Forwarded-For", chain);
  const std::string_view host = fields[bhttp::field::host];
  if (host.empty()) {
    fields.erase("X-Forwarded-Host");
  } else {
    fields.set("X-Forwarded-Host", std::string(host));
  }
  fields.set("X-Forwarded-Proto", proto);
}

}  // namespace capsule::faas
