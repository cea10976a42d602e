#include "faas/line_pump.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace capsule::faas {

LinePump::LinePump(int out_fd, int err_fd, std::string prefix, LineCallback on_line, size_t keep_lines,
                   std::chrono::milliseconds linger)
    : prefix_(std::move(prefix)), on_line_(std::move(on_line)), keep_lines_(keep_lines), linger_(linger) {
  if (::pipe2(wake_fds_, O_CLOEXEC) != 0) wake_fds_[0] = wake_fds_[1] = -1;  // then the destructor waits for EOF
  thread_ = std::thread([this, out_fd, err_fd] { Run(out_fd, err_fd); });
}

LinePump::~LinePump() {
  if (!WaitForEnd(linger_) && wake_fds_[1] >= 0) {
    char byte = 0;
    (void)!::write(wake_fds_[1], &byte, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int fd : wake_fds_) {
    if (fd >= 0) ::close(fd);
  }
}

std::vector<std::string> LinePump::LastLines() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {last_lines_.begin(), last_lines_.end()};
}

bool LinePump::WaitForEnd(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return ended_cv_.wait_for(lock, timeout, [this] { return ended_; });
}

void LinePump::Emit(std::string_view line, bool from_stderr) {
  // One write per line, so lines of several children do not interleave.
  std::string forwarded = prefix_;
  forwarded.append(line);
  forwarded.push_back('\n');
  for (size_t done = 0; done < forwarded.size();) {
    ssize_t n = ::write(STDERR_FILENO, forwarded.data() + done, forwarded.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last_lines_.emplace_back(line);
    while (last_lines_.size() > keep_lines_) last_lines_.pop_front();
  }
  if (on_line_) on_line_(line, from_stderr);
}

void LinePump::Run(int out_fd, int err_fd) {
  pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {wake_fds_[0], POLLIN, 0}};
  std::string pending[2];
  int open = 2;
  char buffer[4096];
  while (open > 0) {
    int ready = ::poll(fds, 3, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[2].revents != 0) break;  // told to stop
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        if (!pending[i].empty()) Emit(pending[i], i == 1);
        pending[i].clear();
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
        continue;
      }
      pending[i].append(buffer, static_cast<size_t>(n));
      for (size_t newline; (newline = pending[i].find('\n')) != std::string::npos;) {
        Emit(std::string_view(pending[i]).substr(0, newline), i == 1);
        pending[i].erase(0, newline + 1);
      }
    }
  }
  for (int i = 0; i < 2; ++i) {
    if (!pending[i].empty()) Emit(pending[i], i == 1);
    if (fds[i].fd >= 0) ::close(fds[i].fd);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  ended_ = true;
  ended_cv_.notify_all();
}

}  // namespace capsule::faas
