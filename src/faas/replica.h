// The vocabulary of the supervisor: which function revision a replica serves, its states, what a listing shows.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <compare>
#include <string>
#include <string_view>

namespace capsule::faas {

// A function revision: the replicas of one key all run the same module with the same flags.
struct ReplicaKey {
  std::string function;
  std::string revision;

  auto operator<=>(const ReplicaKey&) const = default;
  // "function/revision", for logs and messages.
  std::string ToString() const { return function + "/" + revision; }
};

// Where a replica is in its life.
enum class ReplicaState {
  kStarting,    // started (or about to be), waiting for its port and a 200 from GET /health
  kUp,          // answered GET /health with 200; takes requests
  kRestarting,  // exited or failed its health checks; started again after a backoff delay
  kFailed,      // failed at its first start (Start reports why); never restarted
};

// "starting", "up", "restarting", "failed".
const char* ReplicaStateName(ReplicaState state);

// One replica as a processes listing shows it (a copy: it does not change afterwards).
struct ReplicaInfo {
  ReplicaKey key;
  int index = 0;
  pid_t pid = 0;  // 0 while no process runs
  int port = 0;   // 0 until the process printed it
  ReplicaState state = ReplicaState::kStarting;
  int restarts = 0;
  int in_flight = 0;                                 // leases not yet released
  std::chrono::system_clock::time_point started_at;  // when its current process started
  std::string last_failure;                          // why its previous process ended ("exited (...)"), or empty
};

// The port in capsule-http's "capsule-http: listening on http://127.0.0.1:PORT (...)" line, or 0 for other lines.
int ParseListeningPort(std::string_view line);

}  // namespace capsule::faas
