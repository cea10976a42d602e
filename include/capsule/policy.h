/// @file
/// Capabilities: what the Capsule host functions let a guest reach (environment variables, directories, outbound
/// HTTP hosts) and the limits on it. One Policy object, set by the same flags in every runner
/// (src/runners/common/policy_flags.h), read by the host functions through HostOptions::policy. Defaults stay
/// compatible with Capsule; docs/compatibility.md lists what each default exposes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace capsule {

/// A host directory the file host functions may use, and the name the guest uses for it.
struct DirGrant {
  std::string host;   ///< a host path (relative to the working directory, or absolute)
  std::string guest;  ///< "." (relative guest paths), or an absolute guest path such as "/data"
};

/// What a guest may use through the host functions. Shared read-only by all threads.
struct Policy {
  /// Names of environment variables hostGetEnv may answer (shell globs, as fnmatch). Empty: every variable, as
  /// in Capsule.
  std::vector<std::string> env_allow;
  /// Directories hostReadFile / hostWriteFile may use; paths outside them (`..`, absolute paths elsewhere,
  /// symlinks leading out) are refused. Empty: the working directory only, as "." (see DirectoryFilePolicy).
  std::vector<DirGrant> dirs;
  /// Hosts hostHTTP may reach (globs matched against "host" and "host:port"). Empty: every host, as in Capsule.
  std::vector<std::string> allow_hosts;
  /// Total time of one outbound request, redirects included.
  std::chrono::milliseconds http_timeout{10000};
  /// Largest response body hostHTTP accepts; a larger one is an F result.
  uint64_t http_max_response_bytes = 16u << 20;
  /// Redirects hostHTTP follows (each must stay inside allow_hosts).
  int http_max_redirects = 10;
  /// Limits of the process-wide memory cache (hostCacheSet); 0 means no limit.
  uint64_t cache_max_entries = 0;
  uint64_t cache_max_bytes = 0;  ///< keys and values together
  /// Subjects (NATS) and topics (MQTT) the messaging host functions may publish or send requests to, as patterns
  /// in the broker's own wildcards (NATS: `*` one token, `>` the rest; MQTT: `+` one level, `#` the rest). Empty:
  /// any, as in Capsule. Replies to the message being handled are always allowed.
  std::vector<std::string> publish_allow;

  /// Whether hostGetEnv may answer the variable `name`.
  bool EnvAllowed(std::string_view name) const;
  /// Whether hostHTTP may connect to host (a name or an address, IPv6 without brackets) on port.
  bool HostAllowed(std::string_view host, int port) const;
  /// Whether a module may publish to subject on a broker of that protocol ("nats" or "mqtt").
  bool PublishAllowed(std::string_view protocol, std::string_view subject) const;
};

/// Whether subject matches pattern in NATS's wildcards: tokens split on '.', `*` matching one token, a final `>`
/// one or more.
bool NatsSubjectMatch(std::string_view pattern, std::string_view subject);

/// Whether topic matches filter in MQTT's wildcards: levels split on '/', `+` matching one level, a final `#` any
/// number of levels (zero included).
bool MqttTopicMatch(std::string_view filter, std::string_view topic);

/// Shell-style glob match (fnmatch without flags): `*`, `?`, `[...]`.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace capsule
