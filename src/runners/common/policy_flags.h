// The capability flags every runner shares (--dir, --env-allow, --allow-host, --allow-publish, --http-timeout, ...),
// turned into one capsule::Policy.
#pragma once

#include <string>
#include <vector>

#include "capsule/policy.h"
#include "capsule/result.h"
#include "runners/common/flags.h"

namespace capsule::runners {

// The flag values, as given.
struct PolicyFlags {
  std::vector<std::string> dirs;           // --dir HOST[:GUEST]
  std::vector<std::string> env_allow;      // --env-allow PATTERN
  std::vector<std::string> allow_hosts;    // --allow-host PATTERN
  std::vector<std::string> allow_publish;  // --allow-publish PATTERN
  std::string http_timeout = "10s";
  std::string http_max_response = "16MiB";
  std::string cache_max_entries;  // empty: no limit
  std::string cache_max_bytes;    // empty: no limit

  // Adds the flags to flags, bound to the fields above.
  void Register(FlagSet& flags);
  // The Policy they describe. kInvalidArgument naming the flag with a malformed value.
  Result<Policy> ToPolicy() const;
};

// "HOST[:GUEST]" -> a grant; GUEST defaults to HOST.
DirGrant ParseDirGrant(const std::string& spec);

}  // namespace capsule::runners
