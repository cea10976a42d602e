// hostRedisSet/Get/Del/Keys: Redis through hiredis (redis_client.h), the same names for both ABI generations.
#include <string>
#include <vector>

#include "host/group.h"
#include "host/json.h"
#include "host/redis_client.h"

namespace capsule {
namespace {

// The server every call uses, or the configuration error every call reports.
using Config = std::shared_ptr<const Result<RedisConfig>>;

Result<host::RedisValue> Run(const Config& config, std::vector<std::string> argv) {
  if (!config->ok()) return Fail(ErrorCode::kInvalidArgument, "redis: " + config->error().message);
  return host::RedisCommand(**config, argv);
}

std::string JoinLegacy(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "\xC2\xB2" : "") + items[i];
  return out;
}

}  // namespace

void AddRedisHostFunctions(Linker& linker, const host::SharedOptions& options) {
  Config config = std::make_shared<const Result<RedisConfig>>(options->redis ? Result<RedisConfig>(*options->redis)
                                                                             : RedisConfigFromEnv(ProcessEnv()));

  // (key, value, ret): SET key value -> S+key, or F+error.
  DefineCapsuleHostFunction(linker, "hostRedisSet", 6, [config](Caller& caller, std::span<const uint32_t> a) {
    auto key = ReadGuestBytes(caller, a[0], a[1]);
    if (!key) return Status(key.take_error());
    auto value = ReadGuestBytes(caller, a[2], a[3]);
    if (!value) return Status(value.take_error());
    AbiKind kind = InstanceAbi(caller.instance());
    auto r = Run(config, {"SET", *key, *value});
    return ReturnBytesToGuest(caller, a[4], a[5], r ? HostSuccess(kind, *key) : HostFailure(kind, r.error().message));
  });

  // (key, ret): GET key -> S+value, or F+"redis: nil" for a missing key (go-redis's text), or F+error.
  DefineCapsuleHostFunction(linker, "hostRedisGet", 4, [config](Caller& caller, std::span<const uint32_t> a) {
    auto key = ReadGuestBytes(caller, a[0], a[1]);
    if (!key) return Status(key.take_error());
    AbiKind kind = InstanceAbi(caller.instance());
    auto r = Run(config, {"GET", *key});
    std::string reply;
    if (!r)
      reply = HostFailure(kind, r.error().message);
    else if (r->kind == host::RedisValue::Kind::kNil)
      reply = HostFailure(kind, "redis: nil");
    else
      reply = HostSuccess(kind, r->text);
    return ReturnBytesToGuest(caller, a[2], a[3], reply);
  });

  // (key, ret): DEL key -> S+key, or F+error.
  DefineCapsuleHostFunction(linker, "hostRedisDel", 4, [config](Caller& caller, std::span<const uint32_t> a) {
    auto key = ReadGuestBytes(caller, a[0], a[1]);
    if (!key) return Status(key.take_error());
    AbiKind kind = InstanceAbi(caller.instance());
    auto r = Run(config, {"DEL", *key});
    return ReturnBytesToGuest(caller, a[2], a[3], r ? HostSuccess(kind, *key) : HostFailure(kind, r.error().message));
  });

  // (pattern, ret): KEYS pattern -> S+{"keys":[...]} (legacy: the keys joined with "²"), or F+error.
  DefineCapsuleHostFunction(linker, "hostRedisKeys", 4, [config](Caller& caller, std::span<const uint32_t> a) {
    auto pattern = ReadGuestBytes(caller, a[0], a[1]);
    if (!pattern) return Status(pattern.take_error());
    AbiKind kind = InstanceAbi(caller.instance());
    auto r = Run(config, {"KEYS", *pattern});
    std::string reply;
    if (!r)
      reply = HostFailure(kind, r.error().message);
    else
      reply = HostSuccess(kind, kind == AbiKind::kLegacy ? JoinLegacy(r->items) : host::JsonKeys(r->items));
    return ReturnBytesToGuest(caller, a[2], a[3], reply);
  });
}

}  // namespace capsule
