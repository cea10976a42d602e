#include "host/memory_cache.h"

#include "capsule/policy.h"

namespace capsule::host {

MemoryCache& MemoryCache::Global() {
  static MemoryCache* cache = new MemoryCache;  // never destroyed: host functions may run during exit
  return *cache;
}

Status MemoryCache::Set(std::string_view key, std::string_view value, uint64_t max_entries, uint64_t max_bytes) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  uint64_t bytes = bytes_ + key.size() + value.size();
  uint64_t count = entries_.size() + 1;
  if (it != entries_.end()) {
    bytes -= it->first.size() + it->second.size();
    count -= 1;
  }
  if (max_entries && count > max_entries)
    return Fail(ErrorCode::kResourceLimit, "cache full: more than " + std::to_string(max_entries) + " entries");
  if (max_bytes && bytes > max_bytes)
    return Fail(ErrorCode::kResourceLimit, "cache full: more than " + std::to_string(max_bytes) + " bytes");
  if (it != entries_.end())
    it->second.assign(value);
  else
    entries_.emplace(std::string(key), std::string(value));
  bytes_ = bytes;
  return Status::Ok();
}

std::optional<std::string> MemoryCache::Get(std::string_view key) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void MemoryCache::Del(std::string_view key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  bytes_ -= it->first.size() + it->second.size();
  entries_.erase(it);
}

std::vector<std::string> MemoryCache::Keys(std::string_view filter) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> keys;
  bool all = filter.empty() || filter == "*";
  for (const auto& [key, value] : entries_)
    if (all || GlobMatch(filter, key)) keys.push_back(key);
  return keys;
}

void MemoryCache::Clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
  bytes_ = 0;
}

}  // namespace capsule::host
