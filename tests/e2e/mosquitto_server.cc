#include "mosquitto_server.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "process.h"

namespace capsule::testing {
namespace {

constexpr char kMosquitto[] = "/usr/sbin/mosquitto";

}  // namespace

bool HaveMosquitto() {
  return access(kMosquitto, X_OK) == 0;
}

MosquittoServer::MosquittoServer()
    : ServerProcess(kMosquitto,
                    [this](int port) {
                      const std::string conf = dir_ + "/mosquitto.conf";
                      std::ofstream(conf) << "listener " << port << " 127.0.0.1\n"
                                          << "allow_anonymous true\n"
                                          << "persistence true\n"
                                          << "persistence_location " << dir_ << "/\n"
                                          << "autosave_interval 1\n"
                                          << "max_queued_messages 100000\n";
                      return std::vector<std::string>{"-c", conf};
                    }),
      dir_(MakeTempDir()) {}

MosquittoServer::~MosquittoServer() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace capsule::testing
