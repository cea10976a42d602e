#include "faas/health_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace capsule::faas {
namespace {

// Closes a socket when it goes out of scope.
struct SocketCloser {
  int fd;
  ~SocketCloser() {
    if (fd >= 0) ::close(fd);
  }
};

int MillisLeft(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

Result<int> ProbeHttpStatus(int port, const std::string& path, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Fail(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  SocketCloser closer{fd};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 && errno != EINPROGRESS) {
    return Fail(ErrorCode::kIo, "connect to port " + std::to_string(port) + ": " + std::strerror(errno));
  }
  pollfd p{fd, POLLOUT, 0};
  if (::poll(&p, 1, MillisLeft(deadline)) <= 0) return Fail(ErrorCode::kInterrupted, "connect timed out");
  int so_error = 0;
  socklen_t len = sizeof(so_error);
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
  if (so_error != 0) {
    return Fail(ErrorCode::kIo, "connect to port " + std::to_string(port) + ": " + std::strerror(so_error));
  }
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    return Fail(ErrorCode::kIo, std::string("send: ") + std::strerror(errno));
  }
  std::string response;
  char buffer[1024];
  while (response.find("\r\n") == std::string::npos) {
    p = {fd, POLLIN, 0};
    if (::poll(&p, 1, MillisLeft(deadline)) <= 0) return Fail(ErrorCode::kInterrupted, "no answer in time");
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return Fail(ErrorCode::kIo, "connection closed before a status line");
    response.append(buffer, static_cast<size_t>(n));
  }
  // "HTTP/1.1 200 OK"
  size_t space = response.find(' ');
  if (response.compare(0, 5, "HTTP/") != 0 || space == std::string::npos || space + 4 > response.size()) {
    return Fail(ErrorCode::kIo, "not an HTTP response");
  }
  int status = 0;
  for (size_t i = space + 1; i < space + 4; ++i) {
    if (response[i] < '0' || response[i] > '9') return Fail(ErrorCode::kIo, "not an HTTP status code");
    status = status * 10 + (response[i] - '0');
  }
  return status;
}

}  // namespace capsule::faas
