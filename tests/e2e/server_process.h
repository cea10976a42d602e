// Test support: a real server process (redis-server, nats-server, mosquitto) on a free loopback port, that a test
// can stop and start again on the same port; and loopback helpers.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace capsule::testing {

// Owns one server process, started from argv(port) with its output discarded; killed (SIGKILL) when destroyed.
class ServerProcess {
 public:
  // binary: the executable's path; argv builds its arguments (without argv[0]) for the port.
  ServerProcess(std::string binary, std::function<std::vector<std::string>(int port)> argv);
  virtual ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server on port() (stopping it first if it runs) and waits until it accepts TCP connections. False
  // when it did not come up within 10 s.
  bool Start();
  // Kills it (SIGKILL) and waits for it to exit. Does nothing when it is not running.
  void Stop();
  // Asks it to stop (SIGTERM) and waits for it to exit.
  void Terminate();
  int port() const { return port_; }
  bool running() const { return pid_ > 0; }
  // Whether the binary is installed (scripts/setup.sh installs every one the tests use).
  bool installed() const;

 private:
  std::string binary_;
  std::function<std::vector<std::string>(int)> argv_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

// Whether something accepts TCP connections on 127.0.0.1:port.
bool AcceptsConnections(int port);

}  // namespace capsule::testing
