// Test support: a minimal HTTP/1.1 server on a free loopback port, answering fixed routes, for download tests.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace capsule::testing {

// Serves canned responses from a background thread until destroyed. Records the request headers it saw.
class TinyHttpServer {
 public:
  struct Response {
    int status = 200;
    std::string body;
  };
  // routes: path -> response; unknown paths get 404.
  explicit TinyHttpServer(std::map<std::string, Response> routes);
  ~TinyHttpServer();

  int port() const { return port_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  // Raw header blocks of the requests served so far.
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
