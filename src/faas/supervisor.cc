#include "faas/supervisor.h"

#include <signal.h>

#include <algorithm>
#include <cstdio>

#include "faas/backoff.h"
#include "faas/child_process.h"
#include "faas/health_probe.h"

namespace capsule::faas {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// How often a starting replica is probed, and how often the supervisor's thread looks at every replica.
constexpr milliseconds kStartingProbeInterval{25};
constexpr milliseconds kTick{20};

void Log(const std::string& who, const std::string& message) {
  std::fprintf(stderr, "[%s] capsule-faas: %s\n", who.c_str(), message.c_str());
}

long long Millis(Clock::duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

}  // namespace

// One replica; guarded by Supervisor::mutex_ (port_cell and in_flight are atomics shared with other threads).
struct Supervisor::Replica {
  Replica(ReplicaKey k, int i, std::vector<std::string> a, std::vector<std::string> e, std::string b,
          const SupervisorOptions& o)
      : key(std::move(k)),
        index(i),
        args(std::move(a)),
        env(std::move(e)),
        binary(std::move(b)),
        backoff(o.backoff_initial, o.backoff_max, o.backoff_reset_after) {}

  std::string name() const { return key.ToString() + "#" + std::to_string(index); }

  ReplicaKey key;
  int index;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string binary;  // empty: options.binary
  Backoff backoff;
  ReplicaState state = ReplicaState::kStarting;
  std::unique_ptr<ChildProcess> child;  // null while waiting to be started
  uint64_t generation = 0;              // which process: probe results for an older one are dropped
  std::shared_ptr<std::atomic<int>> port_cell = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::atomic<int>> in_flight = std::make_shared<std::atomic<int>>(0);
  int port = 0;
  int restarts = 0;
  int failed_checks = 0;
  bool ever_up = false;
  bool removed = false;
  bool probing = false;
  std::string error;         // why it failed at its first start
  std::string last_failure;  // why its last process was ended
  ErrorCode error_code = ErrorCode::kInternal;
  std::chrono::system_clock::time_point started_at;
  Clock::time_point spawned_at, up_at, next_start_at, next_check_at;
};

Supervisor::Supervisor(SupervisorOptions options) : options_(std::move(options)) {
  thread_ = std::thread([this] { Run(); });
}

Supervisor::~Supervisor() {
  StopAll();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Status Supervisor::Start(const ReplicaKey& key, int replicas, std::vector<std::string> args,
                         std::vector<std::string> env, std::string binary) {
  if (replicas < 1) return capsule::Fail(ErrorCode::kInvalidArgument, "replicas must be at least 1");
  std::unique_lock<std::mutex> lock(mutex_);
  if (groups_.count(key) != 0) {
    return capsule::Fail(ErrorCode::kInvalidArgument, key.ToString() + " is already started");
  }
  ReplicaList& group = groups_[key];
  for (int i = 0; i < replicas; ++i) {
    auto replica = std::make_shared<Replica>(key, i, args, env, binary, options_);
    replica->next_start_at = Clock::now();
    group.push_back(std::move(replica));
  }
  ReplicaList mine = group;
  wake_.notify_all();
  auto settled = [&] {
    bool all_up = true;
    for (const auto& r : mine) {
      if (r->state == ReplicaState::kFailed || r->removed) return true;
      all_up = all_up && r->state == ReplicaState::kUp;
    }
    return all_up;
  };
  // The supervisor's thread fails a replica after start_timeout; the extra second covers one last check.
  bool in_time = changed_.wait_for(lock, options_.start_timeout + milliseconds(1000), settled);
  std::string error;
  ErrorCode code = ErrorCode::kInterrupted;
  for (const auto& r : mine) {
    if (r->state == ReplicaState::kFailed) {
      error = r->error;
      code = r->error_code;
      break;
    }
  }
  const bool stopped = std::any_of(mine.begin(), mine.end(), [](const auto& r) { return r->removed; });
  if (in_time && error.empty() && !stopped) return Status::Ok();
  if (error.empty() && stopped) error = key.ToString() + " was stopped while starting";
  if (error.empty()) {
    error = key.ToString() + " is not up after " + std::to_string(options_.start_timeout.count()) + " ms";
  }
  if (auto it = groups_.find(key); it != groups_.end()) {
    std::erase_if(it->second, [&](const auto& r) { return std::find(mine.begin(), mine.end(), r) != mine.end(); });
    if (it->second.empty()) groups_.erase(it);
  }
  // The failed replica is no longer looked at by the supervisor's thread: its process is ours to finish.
  std::unique_ptr<ChildProcess> failed;
  for (auto& r : mine) {
    if (r->state == ReplicaState::kFailed && r->child) {
      failed = std::move(r->child);
      break;
    }
  }
  lock.unlock();
  if (failed) {
    failed->Signal(SIGKILL);  // when it did not become healthy in time
    failed->WaitForExit(milliseconds(5000));
    failed->WaitForOutputEnd(milliseconds(1000));
    std::string output;
    for (const auto& line : failed->LastLines()) output += "\n  " + line;
    if (!output.empty()) error += "; its last output:" + output;
    failed.reset();
  }
  StopReplicas(std::move(mine));
  return capsule::Fail(code, error);
}

Status Supervisor::Stop(const ReplicaKey& key) {
  ReplicaList taken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = groups_.find(key);
    if (it == groups_.end()) return capsule::Fail(ErrorCode::kNotFound, key.ToString() + " is not started");
    taken = std::move(it->second);
    groups_.erase(it);
  }
  StopReplicas(std::move(taken));
  return Status::Ok();
}

Status Supervisor::Stop(const ReplicaKey& key, int index) {
  ReplicaList taken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = groups_.find(key);
    if (it == groups_.end()) return capsule::Fail(ErrorCode::kNotFound, key.ToString() + " is not started");
    auto& group = it->second;
    auto r = std::find_if(group.begin(), group.end(), [&](const auto& replica) { return replica->index == index; });
    if (r == group.end()) {
      return capsule::Fail(ErrorCode::kNotFound, key.ToString() + " has no replica " + std::to_string(index));
    }
    taken.push_back(*r);
    group.erase(r);
    if (group.empty()) groups_.erase(it);
  }
  StopReplicas(std::move(taken));
  return Status::Ok();
}

void Supervisor::StopAll() {
  ReplicaList taken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [key, group] : groups_) taken.insert(taken.end(), group.begin(), group.end());
    groups_.clear();
  }
  StopReplicas(std::move(taken));
}

void Supervisor::StopReplicas(ReplicaList replicas) {
  std::vector<std::unique_ptr<ChildProcess>> children;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& r : replicas) {
      r->removed = true;
      if (r->child) children.push_back(std::move(r->child));
    }
  }
  changed_.notify_all();
  for (auto& child : children) child->Signal(SIGTERM);
  const auto deadline = Clock::now() + options_.drain_timeout;
  for (auto& child : children) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    child->Terminate(std::max(left, milliseconds(0)));
  }
}

std::vector<ReplicaInfo> Supervisor::Snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ReplicaInfo> infos;
  for (const auto& [key, group] : groups_) {
    for (const auto& r : group) {
      ReplicaInfo info;
      info.key = key;
      info.index = r->index;
      info.pid = r->child ? r->child->pid() : 0;
      info.port = r->port;
      info.state = r->state;
      info.restarts = r->restarts;
      info.in_flight = r->in_flight->load();
      info.started_at = r->started_at;
      info.last_failure = r->last_failure;
      infos.push_back(std::move(info));
    }
  }
  return infos;
}

Result<Lease> Supervisor::Acquire(const ReplicaKey& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = groups_.find(key);
  if (it == groups_.end()) return capsule::Fail(ErrorCode::kNotFound, key.ToString() + " is not started");
  Replica* best = nullptr;
  for (const auto& r : it->second) {
    if (r->state != ReplicaState::kUp) continue;
    if (best == nullptr || r->in_flight->load() < best->in_flight->load()) best = r.get();
  }
  if (best == nullptr) return capsule::Fail(ErrorCode::kNotFound, "no replica of " + key.ToString() + " is up");
  return Lease(best->port, best->index, best->in_flight);
}

void Supervisor::Spawn(Replica& r) {
  ChildSpec spec;
  spec.executable = r.binary.empty() ? options_.binary : r.binary;
  spec.args = r.args;
  spec.args.push_back("--httpPort=");
  spec.args.push_back("--host=127.0.0.1");
  spec.env = r.env;
  spec.log_prefix = "[" + r.name() + "] ";
  auto port_cell = std::make_shared<std::atomic<int>>(0);
  auto child = ChildProcess::Start(spec, [port_cell](std::string_view line, bool from_stderr) {
    if (from_stderr || port_cell->load() != 0) return;
    if (int port = ParseListeningPort(line); port != 0) port_cell->store(port);
  });
  r.generation++;
  r.port = 0;
  r.port_cell = port_cell;
  r.in_flight = std::make_shared<std::atomic<int>>(0);
  r.failed_checks = 0;
  r.spawned_at = Clock::now();
  r.next_check_at = r.spawned_at;
  r.started_at = std::chrono::system_clock::now();
  r.state = ReplicaState::kStarting;
  if (!child) {
    std::vector<std::unique_ptr<ChildProcess>> none;
    OnFailure(r, child.error().code, child.error().message, none);
    return;
  }
  r.child = std::move(*child);
}

void Supervisor::OnFailure(Replica& r, ErrorCode code, const std::string& reason,
                           std::vector<std::unique_ptr<ChildProcess>>& dead) {
  r.port = 0;
  r.last_failure = reason;
  if (!r.ever_up) {
    // Its first start: Start reports the error (with the process's last output) and ends the process itself, so
    // that it is gone when Start returns.
    r.state = ReplicaState::kFailed;
    r.error_code = code;
    r.error = r.name() + " did not start: " + reason;
    changed_.notify_all();
    return;
  }
  if (r.child) dead.push_back(std::move(r.child));
  // Only a process that was up counts towards resetting the backoff: one that never answered ran for nothing.
  const auto ran = r.state == ReplicaState::kUp ? Clock::now() - r.up_at : Clock::duration::zero();
  auto delay = r.backoff.Next(std::chrono::duration_cast<milliseconds>(ran));
  r.restarts++;
  r.state = ReplicaState::kRestarting;
  r.next_start_at = Clock::now() + delay;
  Log(r.name(), reason + "; restarting in " + std::to_string(delay.count()) + " ms");
  changed_.notify_all();
}

void Supervisor::Tick(std::vector<std::shared_ptr<Replica>>& probes, std::vector<std::unique_ptr<ChildProcess>>& dead) {
  const auto now = Clock::now();
  for (auto& [key, group] : groups_) {
    for (auto& r : group) {
      if (r->state == ReplicaState::kFailed || r->probing) continue;
      if (!r->child) {
        if (now >= r->next_start_at) Spawn(*r);
        continue;
      }
      if (!r->child->running()) {
        OnFailure(*r, ErrorCode::kExit, "exited (" + r->child->DescribeExit() + ")", dead);
        continue;
      }
      if (r->port == 0) r->port = r->port_cell->load();
      if (r->state == ReplicaState::kStarting && now - r->spawned_at > options_.start_timeout) {
        OnFailure(*r, ErrorCode::kInterrupted,
                  "not healthy after " + std::to_string(Millis(now - r->spawned_at)) + " ms", dead);
        continue;
      }
      if (r->port != 0 && now >= r->next_check_at) {
        r->probing = true;
        probes.push_back(r);
      }
    }
  }
}

void Supervisor::ApplyProbe(Replica& r, uint64_t generation, bool healthy,
                            std::vector<std::unique_ptr<ChildProcess>>& dead) {
  r.probing = false;
  if (r.removed || r.generation != generation || !r.child) return;
  const auto now = Clock::now();
  r.next_check_at = now + (r.state == ReplicaState::kStarting ? kStartingProbeInterval : options_.health_interval);
  if (healthy) {
    r.failed_checks = 0;
    if (r.state == ReplicaState::kStarting) {
      r.state = ReplicaState::kUp;
      r.ever_up = true;
      r.up_at = now;
      changed_.notify_all();
    }
    return;
  }
  if (r.state != ReplicaState::kUp) return;  // still starting: start_timeout decides
  if (++r.failed_checks >= options_.failed_checks_before_restart) {
    OnFailure(r, ErrorCode::kIo, std::to_string(r.failed_checks) + " failed health checks", dead);
  }
}

void Supervisor::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    std::vector<std::shared_ptr<Replica>> probes;
    std::vector<std::unique_ptr<ChildProcess>> dead;
    Tick(probes, dead);
    if (!probes.empty() || !dead.empty()) {
      std::vector<std::pair<uint64_t, int>> targets;
      for (const auto& r : probes) targets.emplace_back(r->generation, r->port);
      lock.unlock();
      dead.clear();  // kills (if needed) and reaps outside the lock
      std::vector<bool> healthy;
      for (const auto& [generation, port] : targets) {
        auto status = ProbeHttpStatus(port, "/health", options_.health_timeout);
        healthy.push_back(status.ok() && *status == 200);
      }
      lock.lock();
      for (size_t i = 0; i < probes.size(); ++i) ApplyProbe(*probes[i], targets[i].first, healthy[i], dead);
      if (!dead.empty()) {
        lock.unlock();
        dead.clear();
        lock.lock();
      }
    }
    wake_.wait_for(lock, kTick);
  }
}

}  // namespace capsule::faas
