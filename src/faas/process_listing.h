// GET /functions/processes: every replica of every function revision, in the JSON Capsule's clients read (its
// CapsuleProcess records keyed "name/revision/index", docs/faas-capsule-go.md), plus what Capsule did not have.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace capsule::faas {

// Capsule's process status codes (currentStatus), with its names (statusDescription).
enum class ProcessStatus {
  kWaiting = 0,   // started, not answering /health yet
  kStarted = 1,   // up
  kFinished = 2,  // ended by itself (e.g. --stopAfter)
  kFailed = 3,    // ended with an error or failing health checks: being restarted
  kCancelled = 4,
  kStucked = 5,
  kKilled = 6,   // dropped
  kStopped = 7,  // stopped by the front (drain)
};

// Capsule's name of a status ("Started", ...).
const char* StatusDescription(ProcessStatus status);

// One replica as the listing shows it.
struct FunctionProcess {
  std::string name, revision;
  std::string former_revision;  // the revision it was duplicated from, or empty
  unsigned index = 0;
  std::string description;
  uint16_t port = 0;
  int pid = 0;
  ProcessStatus status = ProcessStatus::kWaiting;
  unsigned restarts = 0;
  std::chrono::system_clock::time_point created_at, started_at;
  std::optional<std::chrono::system_clock::time_point> checked_at, finished_at, failed_at;
  std::string path;               // the program
  std::vector<std::string> args;  // its arguments, without argv[0]
  std::string via_nats_subject;   // a revision served by capsule-nats workers: their subject (no pid, no port)
};

// The listing: a JSON object keyed "name/revision/index", each value Capsule's record fields in Capsule's order
// (index, functionName, functionRevision, formerFunctionRevision, httpPort as a string, description,
// currentStatus, statusDescription, createdAt, startedAt, finishedAt, cancelledAt, failedAt, checkedAt, pid,
// path, args, env: null) and then ours (restarts; "via": "children" or "nats", and for nats the "subject"). Times are
// RFC 3339 UTC with nanoseconds; a time that did not happen is Go's zero time, 0001-01-01T00:00:00Z. Indented by two
// spaces, as Capsule's.
std::string ProcessListingJson(const std::vector<FunctionProcess>& processes);

// t as RFC 3339 UTC with nanoseconds, trailing zeros of the fraction dropped (Go's time.RFC3339Nano).
std::string Rfc3339Nano(std::chrono::system_clock::time_point t);

}  // namespace capsule::faas
