#include "redis_server.h"

#include <unistd.h>

namespace capsule::testing {
namespace {

constexpr char kRedisServer[] = "/usr/bin/redis-server";

}  // namespace

bool HaveRedisServer() {
  return access(kRedisServer, X_OK) == 0;
}

RedisServer::RedisServer()
    : ServerProcess(kRedisServer, [](int port) {
        return std::vector<std::string>{"--port", std::to_string(port), "--bind", "127.0.0.1", "--save",
                                        "",       "--appendonly",       "no",     "--dir",     "/tmp"};
      }) {}

}  // namespace capsule::testing
