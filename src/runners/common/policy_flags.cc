#include "runners/common/policy_flags.h"

namespace capsule::runners {

DirGrant ParseDirGrant(const std::string& spec) {
  auto colon = spec.find(':');
  if (colon == std::string::npos) return {spec, spec};
  return {spec.substr(0, colon), spec.substr(colon + 1)};
}

void PolicyFlags::Register(FlagSet& flags) {
  flags.Repeated("dir", &dirs,
                 "give the guest a host directory, as GUEST (default: the same path); also the only directories the "
                 "file host functions may use (default: the working directory)",
                 "HOST[:GUEST]");
  flags.Repeated("env-allow", &env_allow,
                 "hostGetEnv answers only variables matching one of these globs (default: every variable)", "PATTERN");
  flags.Repeated("allow-host", &allow_hosts,
                 "hostHTTP may reach only hosts matching one of these globs, as HOST or HOST:PORT (default: any)",
                 "PATTERN");
  flags.Repeated("allow-publish", &allow_publish,
                 "the messaging host functions may publish only to subjects or topics matching one of these patterns, "
                 "in the broker's wildcards (NATS * and >, MQTT + and #; default: any)",
                 "PATTERN");
  flags.String("http-timeout", &http_timeout, "total time of one hostHTTP request, redirects included", "DURATION");
  flags.String("http-max-response", &http_max_response, "largest response body hostHTTP accepts", "SIZE");
  flags.String("cache-max-entries", &cache_max_entries, "most entries in the memory cache (default: no limit)", "N");
  flags.String("cache-max-bytes", &cache_max_bytes, "most bytes of keys and values in the memory cache", "SIZE");
}

Result<Policy> PolicyFlags::ToPolicy() const {
  Policy policy;
  for (const auto& d : dirs) policy.dirs.push_back(ParseDirGrant(d));
  policy.env_allow = env_allow;
  policy.allow_hosts = allow_hosts;
  policy.publish_allow = allow_publish;
  auto timeout = ParseDuration(http_timeout);
  if (!timeout) return Fail(ErrorCode::kInvalidArgument, "--http-timeout: " + timeout.error().message);
  policy.http_timeout = *timeout;
  auto max_response = ParseSize(http_max_response);
  if (!max_response) return Fail(ErrorCode::kInvalidArgument, "--http-max-response: " + max_response.error().message);
  policy.http_max_response_bytes = *max_response;
  if (!cache_max_entries.empty()) {
    auto n = ParseSize(cache_max_entries);
    if (!n) return Fail(ErrorCode::kInvalidArgument, "--cache-max-entries: " + n.error().message);
    policy.cache_max_entries = *n;
  }
  if (!cache_max_bytes.empty()) {
    auto n = ParseSize(cache_max_bytes);
    if (!n) return Fail(ErrorCode::kInvalidArgument, "--cache-max-bytes: " + n.error().message);
    policy.cache_max_bytes = *n;
  }
  return policy;
}

}  // namespace capsule::runners
