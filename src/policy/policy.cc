// Policy's checks: globs over environment names and outbound hosts, broker wildcards over subjects and topics.
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

bool Policy::PublishAllowed(std::string_view protocol, std::string_view subject) const {
  if (publish_allow.empty()) return true;
  for (const auto& pattern : publish_allow)
    if (protocol == "mqtt" ? MqttTopicMatch(pattern, subject) : NatsSubjectMatch(pattern, subject)) return true;
  return false;
}

namespace {

// The next piece of s up to separator (consumed with it); false when s is exhausted.
bool NextPiece(std::string_view* s, char separator, std::string_view* piece, bool* more) {
  if (!*more) return false;
  const size_t at = s->find(separator);
  *piece = s->substr(0, at);
  *more = at != std::string_view::npos;
  s->remove_prefix(*more ? at + 1 : s->size());
  return true;
}

// Walks pattern and text piece by piece: one_wildcard matches one piece, a final rest_wildcard the remaining
// ones (at least one when rest_needs_one).
bool WildcardMatch(std::string_view pattern, std::string_view text, char separator, std::string_view one_wildcard,
                   std::string_view rest_wildcard, bool rest_needs_one) {
  if (pattern.empty() || text.empty()) return false;
  bool pattern_more = true, text_more = true;
  std::string_view p, t;
  while (NextPiece(&pattern, separator, &p, &pattern_more)) {
    if (p == rest_wildcard && !pattern_more) return text_more || !rest_needs_one;
    if (!NextPiece(&text, separator, &t, &text_more)) return false;
    if (p != one_wildcard && p != t) return false;
  }
  return !text_more;
}

}  // namespace

bool NatsSubjectMatch(std::string_view pattern, std::string_view subject) {
  return WildcardMatch(pattern, subject, '.', "*", ">", true);
}

bool MqttTopicMatch(std::string_view filter, std::string_view topic) {
  return WildcardMatch(filter, topic, '/', "+", "#", false);
}

}  // namespace capsule
