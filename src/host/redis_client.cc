// RedisCommand: thread-local hiredis connections with connect and command timeouts.
#include "host/redis_client.h"

#include "host/redis_api.h"

#include <map>
#include <memory>

#include <signal.h>
#include <sys/time.h>
#include <time.h>

namespace capsule::host {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

using ContextPtr = std::unique_ptr<redisContext, void (*)(redisContext*)>;
using ReplyPtr = std::unique_ptr<redisReply, void (*)(void*)>;

std::string ServerKey(const RedisConfig& c) {
  return c.host + ":" + std::to_string(c.port) + "/" + std::to_string(c.db) + "/" + c.password;
}

// This thread's open connections, by server.
std::map<std::string, ContextPtr>& Connections() {
  thread_local std::map<std::string, ContextPtr> connections;
  return connections;
}

// Blocks SIGPIPE on this thread while alive, and swallows one raised meanwhile: writing to a Redis server that
// went away must give an error, not kill the process.
class NoSigpipe {
 public:
  NoSigpipe() {
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    sigemptyset(&set_);
    sigaddset(&set_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~NoSigpipe() {
    if (!was_pending_) {
      timespec zero{};
      while (sigtimedwait(&set_, nullptr, &zero) > 0) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t set_, old_;
  bool was_pending_ = false;
};

Result<ReplyPtr> Run(const RedisApi& api, redisContext* ctx, const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  NoSigpipe guard;
  auto* raw = static_cast<redisReply*>(api.command_argv(ctx, static_cast<int>(args.size()), args.data(), lens.data()));
  if (!raw) return Fail(ErrorCode::kIo, std::string("redis: ") + (ctx->errstr[0] ? ctx->errstr : "connection lost"));
  return ReplyPtr(raw, api.free_reply);
}

Result<ContextPtr> Connect(const RedisApi& api, const RedisConfig& config) {
  ContextPtr ctx(api.connect_with_timeout(config.host.c_str(), config.port, ToTimeval(config.connect_timeout)),
                 api.free_context);
  std::string where = config.host + ":" + std::to_string(config.port);
  if (!ctx) return Fail(ErrorCode::kIo, "redis: cannot connect to " + where);
  if (ctx->err) return Fail(ErrorCode::kIo, "redis: cannot connect to " + where + ": " + ctx->errstr);
  api.set_timeout(ctx.get(), ToTimeval(config.command_timeout));
  auto check = [&](std::vector<std::string> argv) -> Status {
    auto reply = Run(api, ctx.get(), argv);
    if (!reply) return reply.take_error();
    if ((*reply)->type == REDIS_REPLY_ERROR)
      return Fail(ErrorCode::kIo, "redis: " + argv[0] + ": " + std::string((*reply)->str, (*reply)->len));
    return Status::Ok();
  };
  if (!config.password.empty()) CAPSULE_RETURN_IF_ERROR(check({"AUTH", config.password}));
  if (config.db != 0) CAPSULE_RETURN_IF_ERROR(check({"SELECT", std::to_string(config.db)}));
  return ctx;
}

RedisValue Flatten(const redisReply& r) {
  RedisValue v;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      v.kind = RedisValue::Kind::kString;
      v.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      v.kind = RedisValue::Kind::kStatus;
      v.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      v.kind = RedisValue::Kind::kInteger;
      v.text = std::to_string(r.integer);
      break;
    case REDIS_REPLY_ARRAY:
      v.kind = RedisValue::Kind::kArray;
      for (size_t i = 0; i < r.elements; ++i)
        if (r.element[i]->type == REDIS_REPLY_STRING) v.items.emplace_back(r.element[i]->str, r.element[i]->len);
      break;
    default: break;
  }
  return v;
}

}  // namespace

Result<RedisValue> RedisCommand(const RedisConfig& config, const std::vector<std::string>& argv) {
  auto loaded = Redis();
  if (!loaded) return Fail(ErrorCode::kIo, "redis: " + loaded.error().message);
  const RedisApi& api = **loaded;
  auto& connections = Connections();
  const std::string key = ServerKey(config);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto it = connections.find(key);
    bool fresh = false;
    if (it == connections.end()) {
      auto ctx = Connect(api, config);
      if (!ctx) return ctx.take_error();
      it = connections.emplace(key, std::move(*ctx)).first;
      fresh = true;
    }
    auto reply = Run(api, it->second.get(), argv);
    if (!reply) {
      connections.erase(it);  // broken: the next call reconnects
      if (fresh) return reply.take_error();
      continue;
    }
    if ((*reply)->type == REDIS_REPLY_ERROR) return Fail(ErrorCode::kIo, std::string((*reply)->str, (*reply)->len));
    return Flatten(**reply);
  }
  return Fail(ErrorCode::kIo, "redis: connection lost");
}

}  // namespace capsule::host
