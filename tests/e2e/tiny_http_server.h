// Test support: a minimal HTTP/1.1 server on a free loopback port, answering fixed routes, for download tests.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace capsule::testing {

// Serves canned responses from a background thread until destroyed. Records the request headers it saw.
class TinyHttpServer {
 public:
  struct Response {
    Response(int status_code = 200, std::string body_text = "", std::vector<std::string> extra_headers = {},
             int delay = 0)
        : status(status_code), body(std::move(body_text)), headers(std::move(extra_headers)), delay_ms(delay) {}
    int status;
    std::string body;
    std::vector<std::string> headers;  // extra "Name: value" lines
    int delay_ms;                      // wait this long before answering
  };
  // routes: path -> response; unknown paths get 404.
  explicit TinyHttpServer(std::map<std::string, Response> routes);
  ~TinyHttpServer();

  int port() const { return port_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  // Raw requests served so far: the header block and the body (read up to its Content-Length).
  std::vector<std::string> requests() const;

 private:
  void Serve();
  std::map<std::string, Response> routes_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace capsule::testing
