#include "tiny_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

namespace capsule::testing {
TinyHttpServer::TinyHttpServer(std::map<std::string, Response> routes) : routes_(std::move(routes)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  listen(listen_fd_, 16);
  thread_ = std::thread([this] { Serve(); });
}

TinyHttpServer::~TinyHttpServer() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

std::vector<std::string> TinyHttpServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void TinyHttpServer::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t r = read(fd, buf, sizeof buf);
      if (r <= 0) break;
      request.append(buf, static_cast<size_t>(r));
    }
    size_t body_start = request.find("\r\n\r\n");
    size_t length_at = request.find("Content-Length: ");
    if (body_start != std::string::npos && length_at != std::string::npos && length_at < body_start) {
      size_t want = body_start + 4 + std::strtoul(request.c_str() + length_at + 16, nullptr, 10);
      while (request.size() < want) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0) break;
        request.append(buf, static_cast<size_t>(r));
      }
    }
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    std::string path;
    if (auto sp = request.find(' '); sp != std::string::npos)
      path = request.substr(sp + 1, request.find(' ', sp + 1) - sp - 1);
    auto it = routes_.find(path);
    Response resp = it == routes_.end() ? Response{404, "not found"} : it->second;
    for (int waited = 0; waited < resp.delay_ms && !stop_; waited += 10) usleep(10000);
    std::string head = "HTTP/1.1 " + std::to_string(resp.status) +
                       " X\r\nContent-Length: " + std::to_string(resp.body.size()) + "\r\nConnection: close\r\n";
    for (const auto& header : resp.headers) head += header + "\r\n";
    head += "\r\n";
    std::string all = head + resp.body;
    size_t off = 0;
    while (off < all.size()) {
      ssize_t w = send(fd, all.data() + off, all.size() - off, MSG_NOSIGNAL);
      if (w <= 0) break;
      off += static_cast<size_t>(w);
    }
    close(fd);
  }
}

}  // namespace capsule::testing
