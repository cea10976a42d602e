// Test support: a real redis-server on a free loopback port, without persistence, that a test can stop and
// start again.
#pragma once

#include <string>

#include <sys/types.h>

namespace capsule::testing {

// Owns one redis-server process; stopped (SIGKILL) when destroyed.
class RedisServer {
 public:
  RedisServer();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts redis-server on port() and waits until it accepts connections. False when it did not come up in 10 s.
  bool Start();
  // Kills it (SIGKILL) and waits for it to exit.
  void Stop();
  int port() const { return port_; }
  // "redis://127.0.0.1:<port>/0".
  std::string uri() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

 private:
  int port_ = 0;
  pid_t pid_ = -1;
};

// Whether redis-server is installed (scripts/setup.sh installs it).
bool HaveRedisServer();

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

}  // namespace capsule::testing
