// Reads a child's stdout and stderr line by line on a thread of its own: forwards each line to our stderr with a
// prefix, hands it to a callback, and keeps the last lines for error messages.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace capsule::faas {

// Called on the pump's thread for every complete line (without its newline); from_stderr tells which pipe.
using LineCallback = std::function<void(std::string_view line, bool from_stderr)>;

// Owns the read ends of two pipes until both reach end of file.
class LinePump {
 public:
  // Starts reading out_fd and err_fd (taking ownership of both); prefix goes before every forwarded line
  // (e.g. "[hello/1#0] "); on_line may be empty.
  LinePump(int out_fd, int err_fd, std::string prefix, LineCallback on_line, size_t keep_lines = 20,
           std::chrono::milliseconds linger = std::chrono::milliseconds(2000));
  // Waits until both pipes reached end of file (every writer closed them), at most linger; then stops reading
  // (a process the child left behind may hold the pipes open for ever).
  ~LinePump();
  LinePump(const LinePump&) = delete;
  LinePump& operator=(const LinePump&) = delete;

  // The last lines read from either pipe, oldest first.
  std::vector<std::string> LastLines() const;
  // Waits at most timeout until both pipes reached end of file; true when they did.
  bool WaitForEnd(std::chrono::milliseconds timeout) const;

 private:
  void Run(int out_fd, int err_fd);
  void Emit(std::string_view line, bool from_stderr);

  std::string prefix_;
  LineCallback on_line_;
  size_t keep_lines_;
  std::chrono::milliseconds linger_;
  int wake_fds_[2] = {-1, -1};  // a pipe whose write end tells Run to stop
  mutable std::mutex mutex_;
  mutable std::condition_variable ended_cv_;
  std::deque<std::string> last_lines_;
  bool ended_ = false;
  std::thread thread_;
};

}  // namespace capsule::faas
