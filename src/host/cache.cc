// hostCacheSet/Get/Del/Keys (current ABI) and hostMemorySet/Get/Keys (legacy): the process-wide memory cache.
#include <string>

#include "host/group.h"
#include "host/json.h"
#include "host/memory_cache.h"

namespace capsule {
namespace {

using host::MemoryCache;

// Joins legacy list entries with U+00B2 "²".
std::string JoinLegacy(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += "\xC2\xB2";
    out += items[i];
  }
  return out;
}

}  // namespace

void AddCacheHostFunctions(Linker& linker, const host::SharedOptions& options) {
  // Set: (key, value, ret) -> S+key, or F+"cache full: ..." over the policy's limits. Legacy hostMemorySet: the
  // same with the legacy encoding.
  for (const char* name : {"hostCacheSet", "hostMemorySet"}) {
    DefineCapsuleHostFunction(linker, name, 6, [options](Caller& caller, std::span<const uint32_t> a) {
      auto key = ReadGuestBytes(caller, a[0], a[1]);
      if (!key) return Status(key.take_error());
      auto value = ReadGuestBytes(caller, a[2], a[3]);
      if (!value) return Status(value.take_error());
      AbiKind kind = InstanceAbi(caller.instance());
      auto set =
          MemoryCache::Global().Set(*key, *value, options->policy.cache_max_entries, options->policy.cache_max_bytes);
      std::string reply = set ? HostSuccess(kind, *key) : HostFailure(kind, set.error().message);
      return ReturnBytesToGuest(caller, a[4], a[5], reply);
    });
  }

  // Get: (key, ret) -> S+value or F+"key not found".
  for (const char* name : {"hostCacheGet", "hostMemoryGet"}) {
    DefineCapsuleHostFunction(linker, name, 4, [](Caller& caller, std::span<const uint32_t> a) {
      auto key = ReadGuestBytes(caller, a[0], a[1]);
      if (!key) return Status(key.take_error());
      AbiKind kind = InstanceAbi(caller.instance());
      auto value = MemoryCache::Global().Get(*key);
      std::string reply = value ? HostSuccess(kind, *value) : HostFailure(kind, "key not found");
      return ReturnBytesToGuest(caller, a[2], a[3], reply);
    });
  }

  // Del: (key, ret) -> S+key (also when the key was absent).
  DefineCapsuleHostFunction(linker, "hostCacheDel", 4, [](Caller& caller, std::span<const uint32_t> a) {
    auto key = ReadGuestBytes(caller, a[0], a[1]);
    if (!key) return Status(key.take_error());
    MemoryCache::Global().Del(*key);
    return ReturnBytesToGuest(caller, a[2], a[3], HostSuccess(InstanceAbi(caller.instance()), *key));
  });

  // Keys: (filter, ret) -> S+{"keys":[...]}, the keys matching the glob filter ("*": all), sorted.
  DefineCapsuleHostFunction(linker, "hostCacheKeys", 4, [](Caller& caller, std::span<const uint32_t> a) {
    auto filter = ReadGuestBytes(caller, a[0], a[1]);
    if (!filter) return Status(filter.take_error());
    std::string json = host::JsonKeys(MemoryCache::Global().Keys(*filter));
    return ReturnBytesToGuest(caller, a[2], a[3], HostSuccess(InstanceAbi(caller.instance()), json));
  });

  // Legacy hostMemoryKeys: (ret) -> every key joined with "²".
  DefineCapsuleHostFunction(linker, "hostMemoryKeys", 2, [](Caller& caller, std::span<const uint32_t> a) {
    std::string joined = JoinLegacy(MemoryCache::Global().Keys("*"));
    return ReturnBytesToGuest(caller, a[0], a[1], HostSuccess(InstanceAbi(caller.instance()), joined));
  });
}

}  // namespace capsule
