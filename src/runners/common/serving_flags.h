// The flags every long-running runner (capsule-http, capsule-nats, capsule-mqtt) shares: --workers,
// --fresh-instance, --timeout, --max-memory, --drain-timeout, --access-log, --watch.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "capsule/result.h"
#include "runners/common/flags.h"

namespace capsule::runners {

// The flag values, as given.
struct ServingFlags {
  std::string workers;  // empty: the cores
  std::string timeout;  // empty: none
  std::string max_memory;
  std::string drain_timeout = "30s";
  bool fresh_instance = false;
  bool access_log = false;
  bool watch = false;

  // What they mean, checked.
  struct Values {
    size_t workers = 1;
    std::optional<std::chrono::milliseconds> timeout;
    uint32_t max_memory_pages = 0;  // 0: the module's own maximum
    std::chrono::milliseconds drain_timeout{30000};
  };

  // Adds the flags to flags; unit names what one guest call serves ("request", "message") in their help.
  void Register(FlagSet& flags, const std::string& unit);
  // The checked values. kInvalidArgument naming the flag with a malformed value.
  Result<Values> Parse() const;
};

}  // namespace capsule::runners
