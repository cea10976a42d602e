#include "faas/process_listing.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace capsule::faas {

const char* StatusDescription(ProcessStatus status) {
  switch (status) {
    case ProcessStatus::kWaiting: return "Waiting";
    case ProcessStatus::kStarted: return "Started";
    case ProcessStatus::kFinished: return "Finished";
    case ProcessStatus::kFailed: return "Failed";
    case ProcessStatus::kCancelled: return "Cancelled";
    case ProcessStatus::kStucked: return "Stucked";
    case ProcessStatus::kKilled: return "Killed";
    case ProcessStatus::kStopped: return "Stopped";
  }
  return "Unknown";
}

std::string Rfc3339Nano(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto since = t.time_since_epoch();
  auto secs = duration_cast<seconds>(since);
  auto nanos = duration_cast<nanoseconds>(since - secs).count();
  if (nanos < 0) {
    nanos += 1000000000;
    secs -= seconds(1);
  }
  const std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (nanos) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(nanos));
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + "Z";
}

std::string ProcessListingJson(const std::vector<FunctionProcess>& processes) {
  using nlohmann::ordered_json;
  auto time_or_zero = [](const std::optional<std::chrono::system_clock::time_point>& t) {
    return t ? Rfc3339Nano(*t) : std::string("0001-01-01T00:00:00Z");
  };
  std::vector<std::pair<std::string, ordered_json>> entries;
  for (const FunctionProcess& p : processes) {
    ordered_json r;
    r["index"] = p.index;
    r["functionName"] = p.name;
    r["functionRevision"] = p.revision;
    r["formerFunctionRevision"] = p.former_revision;
    r["httpPort"] = p.port ? std::to_string(p.port) : std::string();
    r["description"] = p.description;
    r["currentStatus"] = static_cast<int>(p.status);
    r["statusDescription"] = StatusDescription(p.status);
    r["createdAt"] = Rfc3339Nano(p.created_at);
    r["startedAt"] = Rfc3339Nano(p.started_at);
    r["finishedAt"] = time_or_zero(p.finished_at);
    r["cancelledAt"] = time_or_zero(std::nullopt);
    r["failedAt"] = time_or_zero(p.failed_at);
    r["checkedAt"] = time_or_zero(p.checked_at);
    r["pid"] = p.pid;
    r["path"] = p.path;
    r["args"] = p.args;
    r["env"] = nullptr;  // never shown: it may hold secrets (Capsule's listing never showed it either)
    r["restarts"] = p.restarts;
    r["via"] = p.via_nats_subject.empty() ? "children" : "nats";
    if (!p.via_nats_subject.empty()) r["subject"] = p.via_nats_subject;
    entries.emplace_back(p.name + "/" + p.revision + "/" + std::to_string(p.index), std::move(r));
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  ordered_json listing = ordered_json::object();
  for (auto& [key, record] : entries) listing[key] = std::move(record);
  return listing.dump(2);
}

}  // namespace capsule::faas
