// Policy's checks: globs over environment names and outbound hosts.
#include "capsule/policy.h"

#include <string>

#include <fnmatch.h>

namespace capsule {

bool GlobMatch(std::string_view pattern, std::string_view text) {
  std::string p(pattern), t(text);
  return ::fnmatch(p.c_str(), t.c_str(), 0) == 0;
}

bool Policy::EnvAllowed(std::string_view name) const {
  if (env_allow.empty()) return true;
  for (const auto& pattern : env_allow)
    if (GlobMatch(pattern, name)) return true;
  return false;
}

bool Policy::HostAllowed(std::string_view host, int port) const {
  if (allow_hosts.empty()) return true;
  std::string with_port = std::string(host) + ":" + std::to_string(port);
  for (const auto& pattern : allow_hosts)
    if (GlobMatch(pattern, host) || GlobMatch(pattern, with_port)) return true;
  return false;
}

}  // namespace capsule
