// hiredis' functions the Redis host functions use, resolved from libhiredis.so.0.14 on first use
// (host/lazy_library.h).
#pragma once

#include <hiredis/hiredis.h>

#include "capsule/result.h"

namespace capsule::host {

// Pointers to the hiredis functions below.
struct RedisApi {
  decltype(&::redisConnectWithTimeout) connect_with_timeout;
  decltype(&::redisSetTimeout) set_timeout;
  decltype(&::redisCommandArgv) command_argv;
  decltype(&::freeReplyObject) free_reply;
  decltype(&::redisFree) free_context;
};

// hiredis, loaded once. Errors: kNotFound when it cannot be loaded (named).
Result<const RedisApi*> Redis();

}  // namespace capsule::host
