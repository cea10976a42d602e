// fd_read, fd_write and their positioned forms, fd_seek/tell, and the hints and syncs on a file's data.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <string_view>

#include "functions.h"
#include "host_errno.h"
#include "iovecs.h"

namespace capsule::wasi {

namespace {

// writev that turns a closed pipe or socket into EPIPE for the guest instead of a SIGPIPE for the host.
ssize_t WriteNoSigpipe(const FdEntry& e, iovec* iov, int count) {
  if (e.type == FileType::kSocketStream || e.type == FileType::kSocketDgram) {
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<size_t>(count);
    ssize_t n = sendmsg(e.host_fd, &msg, MSG_NOSIGNAL);
    if (n >= 0 || errno != ENOTSOCK) return n;
  }
  if (e.type != FileType::kUnknown) return writev(e.host_fd, iov, count);  // files and ttys raise no SIGPIPE
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t n = writev(e.host_fd, iov, count);
  int err = errno;
  if (n < 0 && err == EPIPE) {
    timespec zero{0, 0};
    sigtimedwait(&pipe_set, nullptr, &zero);  // discard the SIGPIPE this write left pending
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = err;
  return n;
}

// Hands the first n bytes of the iovecs to observer, buffer by buffer.
void ReportWritten(const std::function<void(std::string_view)>& observer, const iovec* v, int count, size_t n) {
  for (int i = 0; i < count && n > 0; ++i) {
    const size_t part = std::min(n, v[i].iov_len);
    if (part) observer(std::string_view(static_cast<const char*>(v[i].iov_base), part));
    n -= part;
  }
}

Errno ToOffset(uint64_t value, off_t* out) {
  if (value > static_cast<uint64_t>(INT64_MAX)) return Errno::kInval;
  *out = static_cast<off_t>(value);
  return Errno::kSuccess;
}

template <class Op>
Errno Transfer(Call& c, uint32_t fd, uint64_t rights, uint32_t iovs, uint32_t iovs_len, uint32_t count_out, Op op) {
  FdEntry* e;
  if (Errno r = c.Fd(fd, rights, &e); r != Errno::kSuccess) return r;
  HostIovecs v;
  if (Errno r = v.Load(c.memory, iovs, iovs_len); r != Errno::kSuccess) return r;
  if (Errno r = c.CheckWritable(count_out, 4); r != Errno::kSuccess) return r;
  ssize_t n;
  do {
    n = op(*e, v.data(), v.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return LastErrno();
  return c.StoreU32(count_out, static_cast<uint32_t>(n));
}

}  // namespace

Errno FdRead(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_out) {
  return Transfer(c, fd, rights::kFdRead, iovs, iovs_len, nread_out,
                  [](const FdEntry& e, iovec* v, int n) { return readv(e.host_fd, v, n); });
}

Errno FdWrite(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten_out) {
  const auto& observer = c.wasi.on_stdio_write;
  if (!observer) return Transfer(c, fd, rights::kFdWrite, iovs, iovs_len, nwritten_out, WriteNoSigpipe);
  return Transfer(c, fd, rights::kFdWrite, iovs, iovs_len, nwritten_out,
                  [&observer](const FdEntry& e, iovec* v, int count) {
                    const ssize_t n = WriteNoSigpipe(e, v, count);
                    if (n > 0 && !e.owned) ReportWritten(observer, v, count, static_cast<size_t>(n));
                    return n;
                  });
}

Errno FdPread(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset, uint32_t nread_out) {
  off_t off;
  if (Errno e = ToOffset(offset, &off); e != Errno::kSuccess) return e;
  return Transfer(c, fd, rights::kFdRead | rights::kFdSeek, iovs, iovs_len, nread_out,
                  [off](const FdEntry& e, iovec* v, int n) { return preadv(e.host_fd, v, n, off); });
}

Errno FdPwrite(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset, uint32_t nwritten_out) {
  off_t off;
  if (Errno e = ToOffset(offset, &off); e != Errno::kSuccess) return e;
  return Transfer(c, fd, rights::kFdWrite | rights::kFdSeek, iovs, iovs_len, nwritten_out,
                  [off](const FdEntry& e, iovec* v, int n) { return pwritev(e.host_fd, v, n, off); });
}

Errno FdSeek(Call& c, uint32_t fd, int64_t offset, uint32_t whence, uint32_t newoffset_out) {
  int host_whence;
  switch (whence) {
    case kWhenceSet: host_whence = SEEK_SET; break;
    case kWhenceCur: host_whence = SEEK_CUR; break;
    case kWhenceEnd: host_whence = SEEK_END; break;
    default: return Errno::kInval;
  }
  uint64_t needed = offset == 0 && whence == kWhenceCur ? rights::kFdTell : rights::kFdSeek;
  FdEntry* e;
  if (Errno r = c.Fd(fd, needed, &e); r != Errno::kSuccess) return r;
  if (Errno r = c.CheckWritable(newoffset_out, 8); r != Errno::kSuccess) return r;
  off_t pos = lseek(e->host_fd, offset, host_whence);
  if (pos < 0) return LastErrno();
  return c.StoreU64(newoffset_out, static_cast<uint64_t>(pos));
}

Errno FdTell(Call& c, uint32_t fd, uint32_t offset_out) {
  FdEntry* e;
  if (Errno r = c.Fd(fd, rights::kFdTell, &e); r != Errno::kSuccess) return r;
  off_t pos = lseek(e->host_fd, 0, SEEK_CUR);
  if (pos < 0) return LastErrno();
  return c.StoreU64(offset_out, static_cast<uint64_t>(pos));
}

Errno FdAdvise(Call& c, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
  int host_advice;
  switch (advice) {
    case kAdviceNormal: host_advice = POSIX_FADV_NORMAL; break;
    case kAdviceSequential: host_advice = POSIX_FADV_SEQUENTIAL; break;
    case kAdviceRandom: host_advice = POSIX_FADV_RANDOM; break;
    case kAdviceWillneed: host_advice = POSIX_FADV_WILLNEED; break;
    case kAdviceDontneed: host_advice = POSIX_FADV_DONTNEED; break;
    case kAdviceNoreuse: host_advice = POSIX_FADV_NOREUSE; break;
    default: return Errno::kInval;
  }
  FdEntry* e;
  if (Errno r = c.Fd(fd, rights::kFdAdvise, &e); r != Errno::kSuccess) return r;
  off_t off, n;
  if (Errno r = ToOffset(offset, &off); r != Errno::kSuccess) return r;
  if (Errno r = ToOffset(len, &n); r != Errno::kSuccess) return r;
  return FromHostErrno(posix_fadvise(e->host_fd, off, n, host_advice));
}

Errno FdAllocate(Call& c, uint32_t fd, uint64_t offset, uint64_t len) {
  FdEntry* e;
  if (Errno r = c.Fd(fd, rights::kFdAllocate, &e); r != Errno::kSuccess) return r;
  off_t off, n;
  if (Errno r = ToOffset(offset, &off); r != Errno::kSuccess) return r;
  if (Errno r = ToOffset(len, &n); r != Errno::kSuccess) return r;
  int err;
  do {
    err = posix_fallocate(e->host_fd, off, n);
  } while (err == EINTR);
  return FromHostErrno(err);
}

Errno FdDatasync(Call& c, uint32_t fd) {
  FdEntry* e;
  if (Errno r = c.Fd(fd, rights::kFdDatasync, &e); r != Errno::kSuccess) return r;
  return fdatasync(e->host_fd) == 0 ? Errno::kSuccess : LastErrno();
}

Errno FdSync(Call& c, uint32_t fd) {
  FdEntry* e;
  if (Errno r = c.Fd(fd, rights::kFdSync, &e); r != Errno::kSuccess) return r;
  return fsync(e->host_fd) == 0 ? Errno::kSuccess : LastErrno();
}

}  // namespace capsule::wasi
