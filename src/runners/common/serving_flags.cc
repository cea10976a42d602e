#include "runners/common/serving_flags.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace capsule::runners {

void ServingFlags::Register(FlagSet& flags, const std::string& unit) {
  flags.String("workers", &workers,
               "worker threads, each with its own engine context and warm instance (default: the cores)", "N");
  flags.Bool(
      "fresh-instance", &fresh_instance,
      "give every " + unit + " an instance in its just-started state (restored or new): no state survives a " + unit);
  flags.String("timeout", &timeout, "interrupt a " + unit + "'s guest call after this long (e.g. 1s)", "DURATION");
  flags.String("max-memory", &max_memory, "cap each instance's linear memory (e.g. 64MiB)", "SIZE");
  flags.String("drain-timeout", &drain_timeout,
               "on SIGINT/SIGTERM, wait this long for " + unit + "s in flight, then interrupt them", "DURATION");
  flags.Bool("access-log", &access_log, "print one JSON line per " + unit + " on stderr");
  flags.Bool("watch", &watch, "reload the module when --wasm changes");
}

Result<ServingFlags::Values> ServingFlags::Parse() const {
  Values v;
  auto bad = [](const char* flag, const Error& e) {
    return Fail(ErrorCode::kInvalidArgument, std::string("--") + flag + ": " + e.message);
  };
  v.workers = std::max(1u, std::thread::hardware_concurrency());
  if (!workers.empty()) {
    char* end = nullptr;
    long n = std::strtol(workers.c_str(), &end, 10);
    if (*end != '\0' || n < 1 || n > 1024)
      return Fail(ErrorCode::kInvalidArgument, "--workers must be a number from 1 to 1024, got \"" + workers + "\"");
    v.workers = static_cast<size_t>(n);
  }
  if (!timeout.empty()) {
    auto d = ParseDuration(timeout);
    if (!d) return bad("timeout", d.error());
    v.timeout = *d;
  }
  if (!max_memory.empty()) {
    auto pages = ParseMemoryPages(max_memory);
    if (!pages) return bad("max-memory", pages.error());
    v.max_memory_pages = *pages;
  }
  auto drain = ParseDuration(drain_timeout);
  if (!drain) return bad("drain-timeout", drain.error());
  v.drain_timeout = *drain;
  return v;
}

}  // namespace capsule::runners
