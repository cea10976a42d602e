#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "wait.h"

namespace capsule::testing {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

HttpConnection::HttpConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool HttpConnection::SendRaw(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

void HttpConnection::FinishSending() {
  ::shutdown(fd_, SHUT_WR);
}

bool HttpConnection::Fill(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) return false;
  buffer_.append(buf, static_cast<size_t>(n));
  return true;
}

HttpResponse HttpConnection::ReadResponse(std::chrono::milliseconds timeout, bool head_request) {
  HttpResponse r;
  if (fd_ < 0) return r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
    if (!Fill(deadline)) return r;
  std::istringstream head(buffer_.substr(0, end));
  buffer_.erase(0, end + 4);
  std::string line;
  std::getline(head, line);
  if (line.size() < 12) return r;
  const int status = std::atoi(line.c_str() + 9);
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers[Lower(line.substr(0, colon))] = value;
  }
  if (head_request || status / 100 == 1 || status == 204 || status == 304) {
    // No body.
  } else if (auto it = r.headers.find("content-length"); it != r.headers.end()) {
    const size_t len = std::stoul(it->second);
    while (buffer_.size() < len)
      if (!Fill(deadline)) return r;
    r.body = buffer_.substr(0, len);
    buffer_.erase(0, len);
  } else if (Lower(r.headers["transfer-encoding"]) == "chunked") {
    while (true) {
      size_t eol;
      while ((eol = buffer_.find("\r\n")) == std::string::npos)
        if (!Fill(deadline)) return r;
      const size_t size = std::stoul(buffer_.substr(0, eol), nullptr, 16);
      while (buffer_.size() < eol + 2 + size + 2)
        if (!Fill(deadline)) return r;
      r.body += buffer_.substr(eol + 2, size);
      buffer_.erase(0, eol + 2 + size + 2);
      if (size == 0) break;
    }
  } else {
    while (Fill(deadline)) {
    }
    r.body = std::move(buffer_);
    buffer_.clear();
  }
  r.status = status;
  return r;
}

HttpResponse HttpConnection::Request(const std::string& method, const std::string& target, const std::string& body,
                                     const std::vector<std::string>& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& h : headers) req += h + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  if (!SendRaw(req)) return {};
  return ReadResponse();
}

HttpResponse HttpRequest(int port, const std::string& method, const std::string& target, const std::string& body,
                         const std::vector<std::string>& headers) {
  HttpConnection c(port);
  auto h = headers;
  h.push_back("Connection: close");
  return c.Request(method, target, body, h);
}

std::string HttpBinaryPath() {
  return std::string(CAPSULE_BINARY_DIR) + "/src/runners/http/capsule-http";
}

namespace {

// args with --httpPort= (a free port) added unless they set one.
std::vector<std::string> WithPort(std::vector<std::string> args) {
  if (std::none_of(args.begin(), args.end(), [](const std::string& a) { return a.rfind("--httpPort", 0) == 0; }))
    args.push_back("--httpPort=");
  return args;
}

}  // namespace

HttpServerProcess::HttpServerProcess(std::vector<std::string> args, std::vector<std::string> env)
    : RunnerProcess(HttpBinaryPath(), WithPort(std::move(args)), std::move(env)) {
  if (!WaitForStdout("listening on ")) return;
  WaitUntil(
      [&] {
        const std::string text = Stdout();
        const size_t at = text.find("listening on ");
        const size_t nl = text.find('\n', at);
        if (nl == std::string::npos) return !running();
        const size_t colon = text.rfind(':', nl);
        if (colon != std::string::npos && colon > at) port_ = std::atoi(text.c_str() + colon + 1);
        return true;
      },
      std::chrono::seconds(5));
}

}  // namespace capsule::testing
