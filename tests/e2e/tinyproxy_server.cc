#include "tinyproxy_server.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "process.h"

namespace capsule::testing {
namespace {

constexpr char kTinyproxy[] = "/usr/bin/tinyproxy";

}  // namespace

bool HaveTinyproxy() {
  return access(kTinyproxy, X_OK) == 0;
}

TinyproxyServer::TinyproxyServer(TinyproxyOptions options)
    : ServerProcess(kTinyproxy,
                    [this, options](int port) {
                      const std::string conf = dir_ + "/tinyproxy.conf";
                      std::ofstream out(conf);
                      out << "Port " << port << "\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 30\nMaxClients 32\n"
                          << "LogLevel Connect\nLogFile \"" << dir_ << "/tinyproxy.log\"\n";
                      if (!options.basic_auth.empty()) out << "BasicAuth " << options.basic_auth << "\n";
                      if (options.only_connect_port) out << "ConnectPort " << options.only_connect_port << "\n";
                      return std::vector<std::string>{"-d", "-c", conf};
                    }),
      dir_(MakeTempDir()) {}

TinyproxyServer::~TinyproxyServer() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TinyproxyServer::Log() const {
  std::ifstream in(dir_ + "/tinyproxy.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace capsule::testing
