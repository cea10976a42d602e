#include "nats_server.h"

#include <unistd.h>

#include <filesystem>

#include "process.h"

namespace capsule::testing {
namespace {

constexpr char kNatsServer[] = "/usr/sbin/nats-server";

}  // namespace

bool HaveNatsServer() {
  return access(kNatsServer, X_OK) == 0;
}

NatsServer::NatsServer()
    : ServerProcess(kNatsServer,
                    [this](int port) {
                      return std::vector<std::string>{"-a",  "127.0.0.1", "-p",      std::to_string(port),
                                                      "-js", "-sd",       store_dir_};
                    }),
      store_dir_(MakeTempDir()) {}

NatsServer::~NatsServer() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(store_dir_, ec);
}

}  // namespace capsule::testing
