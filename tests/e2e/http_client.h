// Test support for capsule-http: a small blocking HTTP/1.1 client over loopback TCP, and a capsule-http process
// started in the background whose port is read from its output.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "runner_process.h"

namespace capsule::testing {

// A parsed HTTP response; header names are lower-cased. status is 0 when nothing could be read.
struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};

// One keep-alive connection to 127.0.0.1:port.
class HttpConnection {
 public:
  explicit HttpConnection(int port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  // Writes raw bytes (one or several requests, even malformed ones).
  bool SendRaw(const std::string& bytes);
  // Half-closes the connection: the server sees the end of the request stream.
  void FinishSending();
  // Reads one response (Content-Length, chunked, or until the connection closes).
  // head_request: the response answers a HEAD request (no body follows, whatever its Content-Length says).
  HttpResponse ReadResponse(std::chrono::milliseconds timeout = std::chrono::seconds(30), bool head_request = false);
  // Sends one well-formed request and reads its response.
  HttpResponse Request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::vector<std::string>& headers = {});

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection (Connection: close).
HttpResponse HttpRequest(int port, const std::string& method, const std::string& target, const std::string& body = "",
                         const std::vector<std::string>& headers = {});

// A running capsule-http (see RunnerProcess).
class HttpServerProcess : public RunnerProcess {
 public:
  // Starts build/src/runners/http/capsule-http with args plus --httpPort= (unless args set it) and env ("K=V"
  // entries added to the environment); waits until it prints its port. port() is 0 when it did not start.
  explicit HttpServerProcess(std::vector<std::string> args, std::vector<std::string> env = {});

  int port() const { return port_; }

 private:
  int port_ = 0;
};

// Path of the capsule-http binary.
std::string HttpBinaryPath();

// Whether text contains part.
inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace capsule::testing
