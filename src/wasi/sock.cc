// sock_*: work on sockets the guest was given (as stdio) or accepted from them. WASI preview1 cannot create
// sockets; on a fd that is not a socket these return NOTSOCK, on a closed fd BADF.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "functions.h"
#include "host_errno.h"
#include "iovecs.h"

namespace capsule::wasi {

namespace {

Errno Socket(Call& c, uint32_t fd, uint64_t rights, FdEntry** out) {
  FdEntry* e = c.wasi.fds.Find(fd);
  if (!e) return Errno::kBadf;
  if (e->type != FileType::kSocketStream && e->type != FileType::kSocketDgram) return Errno::kNotsock;
  return c.Fd(fd, rights, out);
}

}  // namespace

Errno SockAccept(Call& c, uint32_t fd, uint32_t flags, uint32_t fd_out) {
  if (flags & ~uint32_t{kFdflagNonblock}) return Errno::kInval;
  FdEntry* listener;
  if (Errno r = Socket(c, fd, rights::kSockAccept, &listener); r != Errno::kSuccess) return r;
  if (Errno r = c.CheckWritable(fd_out, 4); r != Errno::kSuccess) return r;
  int host = accept4(listener->host_fd, nullptr, nullptr, SOCK_CLOEXEC | (flags & kFdflagNonblock ? SOCK_NONBLOCK : 0));
  if (host < 0) return LastErrno();
  FdEntry entry;
  entry.host_fd = host;
  entry.type = FileType::kSocketStream;
  entry.rights_base = BaseRights(FileType::kSocketStream) & ~rights::kSockAccept;
  uint32_t new_fd;
  if (Errno r = c.wasi.fds.Insert(std::move(entry), &new_fd); r != Errno::kSuccess) {
    close(host);
    return r;
  }
  return c.StoreU32(fd_out, new_fd);
}

Errno SockRecv(Call& c, uint32_t fd, uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags, uint32_t datalen_out,
               uint32_t roflags_out) {
  if (ri_flags & ~uint32_t{kRiflagRecvPeek | kRiflagRecvWaitall}) return Errno::kInval;
  FdEntry* e;
  if (Errno r = Socket(c, fd, rights::kFdRead, &e); r != Errno::kSuccess) return r;
  HostIovecs v;
  if (Errno r = v.Load(c.memory, ri_data, ri_data_len); r != Errno::kSuccess) return r;
  if (Errno r = c.CheckWritable(datalen_out, 4); r != Errno::kSuccess) return r;
  if (Errno r = c.CheckWritable(roflags_out, 2); r != Errno::kSuccess) return r;
  msghdr msg{};
  msg.msg_iov = v.data();
  msg.msg_iovlen = static_cast<size_t>(v.size());
  int flags = (ri_flags & kRiflagRecvPeek ? MSG_PEEK : 0) | (ri_flags & kRiflagRecvWaitall ? MSG_WAITALL : 0);
  ssize_t n;
  do {
    n = recvmsg(e->host_fd, &msg, flags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return LastErrno();
  uint16_t roflags = msg.msg_flags & MSG_TRUNC ? kRoflagRecvDataTruncated : 0;
  (void)c.Store(roflags_out, &roflags, 2);
  return c.StoreU32(datalen_out, static_cast<uint32_t>(n));
}

Errno SockSend(Call& c, uint32_t fd, uint32_t si_data, uint32_t si_data_len, uint32_t si_flags, uint32_t datalen_out) {
  if (si_flags != 0) return Errno::kInval;  // witx defines no siflags
  FdEntry* e;
  if (Errno r = Socket(c, fd, rights::kFdWrite, &e); r != Errno::kSuccess) return r;
  HostIovecs v;
  if (Errno r = v.Load(c.memory, si_data, si_data_len); r != Errno::kSuccess) return r;
  if (Errno r = c.CheckWritable(datalen_out, 4); r != Errno::kSuccess) return r;
  msghdr msg{};
  msg.msg_iov = v.data();
  msg.msg_iovlen = static_cast<size_t>(v.size());
  ssize_t n;
  do {
    n = sendmsg(e->host_fd, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return LastErrno();
  return c.StoreU32(datalen_out, static_cast<uint32_t>(n));
}

Errno SockShutdown(Call& c, uint32_t fd, uint32_t how) {
  int host_how;
  switch (how) {
    case kSdflagRd: host_how = SHUT_RD; break;
    case kSdflagWr: host_how = SHUT_WR; break;
    case kSdflagRd | kSdflagWr: host_how = SHUT_RDWR; break;
    default: return Errno::kInval;
  }
  FdEntry* e;
  if (Errno r = Socket(c, fd, rights::kSockShutdown, &e); r != Errno::kSuccess) return r;
  return shutdown(e->host_fd, host_how) == 0 ? Errno::kSuccess : LastErrno();
}

}  // namespace capsule::wasi
