#include "faas/replica.h"

namespace capsule::faas {

const char* ReplicaStateName(ReplicaState state) {
  switch (state) {
    case ReplicaState::kStarting: return "starting";
    case ReplicaState::kUp: return "up";
    case ReplicaState::kRestarting: return "restarting";
    case ReplicaState::kFailed: return "failed";
  }
  return "unknown";
}

int ParseListeningPort(std::string_view line) {
  constexpr std::string_view kMarker = "capsule-http: listening on ";
  if (line.substr(0, kMarker.size()) != kMarker) return 0;
  std::string_view rest = line.substr(kMarker.size());
  size_t scheme = rest.find("://");
  if (scheme == std::string_view::npos) return 0;
  rest = rest.substr(scheme + 3);
  size_t end = rest.find(' ');
  std::string_view address = rest.substr(0, end);
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon + 1 >= address.size()) return 0;
  int port = 0;
  for (char c : address.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return 0;
    port = port * 10 + (c - '0');
  }
  return port > 0 && port <= 65535 ? port : 0;
}

}  // namespace capsule::faas
