// The FaaS front's supervisor: keeps N capsule-http children per function revision on loopback, knows their ports
// and health, restarts the ones that die or stop answering, and stops them gracefully.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "capsule/result.h"
#include "faas/lease.h"
#include "faas/replica.h"

namespace capsule::faas {

class ChildProcess;

// Tuning of a Supervisor; the defaults suit production, tests shorten them.
struct SupervisorOptions {
  std::string binary;                                    // path of capsule-http (required)
  std::chrono::milliseconds health_interval{1000};       // between two GET /health of an up replica
  std::chrono::milliseconds health_timeout{1000};        // one check's limit
  int failed_checks_before_restart = 3;                  // consecutive failures that restart an up replica
  std::chrono::milliseconds start_timeout{30000};        // from start to the first 200 on /health
  std::chrono::milliseconds drain_timeout{35000};        // SIGTERM to SIGKILL (capsule-http drains for 30 s)
  std::chrono::milliseconds backoff_initial{100};        // first restart delay, doubled at each restart
  std::chrono::milliseconds backoff_max{5000};           // largest restart delay
  std::chrono::milliseconds backoff_reset_after{30000};  // up this long: the next delay is backoff_initial
};

// Starts, watches and stops capsule-http children. Thread-safe: every method may be called from any thread.
// Children are started on the supervisor's own thread (their PR_SET_PDEATHSIG follows it), and every child is
// killed when the supervisor's process dies. Children listen on 127.0.0.1 on a port of their choosing. Each child
// is reaped by waiting for its own pid: the process must not set SIGCHLD to SIG_IGN (the kernel would reap them).
class Supervisor {
 public:
  explicit Supervisor(SupervisorOptions options);
  // Stops every replica (as StopAll) and the supervisor's thread.
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts `replicas` children for key, each `binary args... --httpPort= --host=127.0.0.1` with env ("K=V") added
  // to our environment, and waits until all are up (options.start_timeout). On failure (a child exits, or is not
  // healthy in time) stops all of them and returns an error naming the replica, why, and its last output lines.
  // The code: kExit (a child exited), kInterrupted (not healthy in time), kNotFound/kIo (binary not executable);
  // kInvalidArgument when key already runs or replicas < 1.
  // binary (non-empty): the program to run instead of options.binary, for this key (it must behave as capsule-http:
  // print its listening line, answer GET /health).
  Status Start(const ReplicaKey& key, int replicas, std::vector<std::string> args, std::vector<std::string> env = {},
               std::string binary = {});
  // Stops every replica of key gracefully: SIGTERM, then SIGKILL after options.drain_timeout; returns once all
  // are reaped. kNotFound for an unknown key.
  Status Stop(const ReplicaKey& key);
  // Stops one replica of key (as Stop); the others keep serving. kNotFound for an unknown key or index.
  Status Stop(const ReplicaKey& key, int index);
  // Stops every replica of every key, all drained in parallel.
  void StopAll();

  // Every replica, ordered by key and index.
  std::vector<ReplicaInfo> Snapshot() const;
  // The up replica of key with the fewest requests in flight, leased for one request (acquire per request: a
  // restarted replica has a new port). kNotFound when key is unknown or none of its replicas is up.
  Result<Lease> Acquire(const ReplicaKey& key);

 private:
  struct Replica;
  using ReplicaList = std::vector<std::shared_ptr<Replica>>;

  void Run();
  void Tick(std::vector<std::shared_ptr<Replica>>& probes, std::vector<std::unique_ptr<ChildProcess>>& dead);
  void Spawn(Replica& replica);
  void OnFailure(Replica& replica, ErrorCode code, const std::string& reason,
                 std::vector<std::unique_ptr<ChildProcess>>& dead);
  void ApplyProbe(Replica& replica, uint64_t generation, bool healthy,
                  std::vector<std::unique_ptr<ChildProcess>>& dead);
  void StopReplicas(ReplicaList replicas);

  const SupervisorOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;  // a replica changed state (Start waits on it)
  std::condition_variable wake_;     // work for the supervisor's thread
  std::map<ReplicaKey, ReplicaList> groups_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace capsule::faas
