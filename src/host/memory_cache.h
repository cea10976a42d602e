// The process-wide memory cache behind hostCacheSet/Get/Del/Keys (and legacy hostMemorySet/Get/Keys).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsule/result.h"

namespace capsule::host {

// A string map shared by every thread and instance of the process; all methods are thread-safe.
class MemoryCache {
 public:
  // The one cache of the process.
  static MemoryCache& Global();

  // Stores value under key. kResourceLimit when it would hold more than max_entries entries or max_bytes bytes of
  // keys and values (0: no limit); the cache is then unchanged.
  Status Set(std::string_view key, std::string_view value, uint64_t max_entries, uint64_t max_bytes);
  // The value of key, or nullopt.
  std::optional<std::string> Get(std::string_view key) const;
  // Removes key (nothing when absent).
  void Del(std::string_view key);
  // The keys matching the glob filter ("*" or empty: all), sorted.
  std::vector<std::string> Keys(std::string_view filter) const;
  // Removes everything (for tests).
  void Clear();

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> entries_;
  uint64_t bytes_ = 0;
};

}  // namespace capsule::host
