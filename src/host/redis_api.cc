#include "host/redis_api.h"

#include "host/lazy_library.h"

namespace capsule::host {

Result<const RedisApi*> Redis() {
  static const Result<const RedisApi*>* loaded = [] {
    static LazyLibrary library("libhiredis.so.0.14");
    static RedisApi api;
    Status st = Status::Ok();
    auto bind = [&](const char* name, auto& fn) {
      if (st) st = Bind(library, name, fn);
    };
    bind("redisConnectWithTimeout", api.connect_with_timeout);
    bind("redisSetTimeout", api.set_timeout);
    bind("redisCommandArgv", api.command_argv);
    bind("freeReplyObject", api.free_reply);
    bind("redisFree", api.free_context);
    return st ? new Result<const RedisApi*>(&api) : new Result<const RedisApi*>(st.take_error());
  }();
  return *loaded;
}

}  // namespace capsule::host
