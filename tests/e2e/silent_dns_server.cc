#include "silent_dns_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

namespace capsule::testing {

SilentDnsServer::SilentDnsServer() {
  std::mt19937 random(std::random_device{}());
  for (int attempt = 0; attempt < 20 && fd_ < 0; ++attempt) {
    const std::string address =
        "127.83." + std::to_string(random() % 250 + 1) + "." + std::to_string(random() % 250 + 1);
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(53);
    inet_pton(AF_INET, address.c_str(), &a.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      fd_ = fd;
      address_ = address;
    } else {
      close(fd);
    }
  }
}

SilentDnsServer::~SilentDnsServer() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace capsule::testing
