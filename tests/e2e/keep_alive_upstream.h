// Test support for the FaaS reverse proxy: a keep-alive HTTP/1.1 upstream on a free loopback port, in its own thread,
// that counts the connections it accepts and can misbehave the way a real upstream sometimes does.
#pragma once

#include <atomic>
#include <memory>

namespace capsule::testing {

// Answers `200` with the request's target as body (`Content-Type: text/plain`), keeping connections open.
class KeepAliveUpstream {
 public:
  enum class Mode {
    kAnswer,             // answer every request
    kDropSecondRequest,  // answer a connection's first request, then close it on the next one without answering
                         // (the race of an upstream closing an idle connection as a request arrives)
    kCloseWithoutAnswer  // close every connection as soon as a request arrived
  };

  explicit KeepAliveUpstream(Mode mode = Mode::kAnswer);
  ~KeepAliveUpstream();
  KeepAliveUpstream(const KeepAliveUpstream&) = delete;
  KeepAliveUpstream& operator=(const KeepAliveUpstream&) = delete;

  int port() const;
  // Connections accepted and answers started so far (an answer is counted before it is written, so a client that
  // has read it sees it counted).
  int connections() const { return connections_.load(); }
  int answered() const { return answered_.load(); }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<int> connections_{0};
  std::atomic<int> answered_{0};
};

}  // namespace capsule::testing
