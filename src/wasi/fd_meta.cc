// The fd table and a fd's metadata: close, renumber, fdstat, filestat, prestat.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "filestat.h"
#include "functions.h"
#include "host_errno.h"

namespace capsule::wasi {

namespace {

uint16_t FdflagsOf(int host_flags) {
  uint16_t f = 0;
  if (host_flags & O_APPEND) f |= kFdflagAppend;
  if (host_flags & O_NONBLOCK) f |= kFdflagNonblock;
  if ((host_flags & O_SYNC) == O_SYNC) {
    f |= kFdflagSync;
  } else if (host_flags & O_DSYNC) {
    f |= kFdflagDsync;
  }
  return f;
}

}  // namespace

Errno FdClose(Call& c, uint32_t fd) {
  return c.wasi.fds.Close(fd);
}

Errno FdRenumber(Call& c, uint32_t fd, uint32_t to) {
  return c.wasi.fds.Renumber(fd, to);
}

Errno FdFdstatGet(Call& c, uint32_t fd, uint32_t fdstat_out) {
  FdEntry* e;
  if (Errno r = c.Fd(fd, 0, &e); r != Errno::kSuccess) return r;
  int host_flags = fcntl(e->host_fd, F_GETFL);
  if (host_flags < 0) return LastErrno();
  uint8_t out[layout::kFdstatSize] = {};
  out[0] = static_cast<uint8_t>(e->type);
  uint16_t flags = FdflagsOf(host_flags);
  std::memcpy(out + 2, &flags, 2);
  std::memcpy(out + 8, &e->rights_base, 8);
  std::memcpy(out + 16, &e->rights_inheriting, 8);
  return c.Store(fdstat_out, out, sizeof out);
}

// Only APPEND and NONBLOCK can change (Linux cannot switch the sync modes of an open file), and not on the host's
// borrowed stdio fds, whose flags the host shares.
Errno FdFdstatSetFlags(Call& c, uint32_t fd, uint32_t flags) {
  constexpr uint32_t kSyncFlags = kFdflagDsync | kFdflagRsync | kFdflagSync;
  if (flags & ~uint32_t{kFdflagAppend | kFdflagNonblock | kSyncFlags}) return Errno::kInval;
  FdEntry* e;
  if (Errno r = c.Fd(fd, rights::kFdFdstatSetFlags, &e); r != Errno::kSuccess) return r;
  int host_flags = fcntl(e->host_fd, F_GETFL);
  if (host_flags < 0) return LastErrno();
  uint16_t current = FdflagsOf(host_flags);
  bool wants_sync = flags & (kFdflagSync | kFdflagRsync);
  uint16_t wanted_sync = wants_sync ? kFdflagSync : (flags & kFdflagDsync ? kFdflagDsync : 0);
  if ((current & (kFdflagSync | kFdflagDsync)) != wanted_sync) return Errno::kNotsup;
  int wanted = host_flags & ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) wanted |= O_APPEND;
  if (flags & kFdflagNonblock) wanted |= O_NONBLOCK;
  if (wanted == host_flags) return Errno::kSuccess;
  if (!e->owned) return Errno::kNotsup;
  return fcntl(e->host_fd, F_SETFL, wanted) == 0 ? Errno::kSuccess : LastErrno();
}

Errno FdFdstatSetRights(Call& c, uint32_t fd, uint64_t rights_base, uint64_t rights_inheriting) {
  FdEntry* e;
  if (Errno r = c.Fd(fd, 0, &e); r != Errno::kSuccess) return r;
  if ((rights_base & ~e->rights_base) || (rights_inheriting & ~e->rights_inheriting)) return Errno::kNotcapable;
  e->rights_base = rights_base;
  e->rights_inheriting = rights_inheriting;
  return Errno::kSuccess;
}

Errno FdFilestatGet(Call& c, uint32_t fd, uint32_t filestat_out) {
  FdEntry* e;
  if (Errno r = c.Fd(fd, rights::kFdFilestatGet, &e); r != Errno::kSuccess) return r;
  struct stat st;
  FileType type;
  if (Errno r = StatFd(e->host_fd, &st, &type); r != Errno::kSuccess) return r;
  uint8_t out[layout::kFilestatSize];
  EncodeFilestat(st, type, out);
  return c.Store(filestat_out, out, sizeof out);
}

Errno FdFilestatSetSize(Call& c, uint32_t fd, uint64_t size) {
  FdEntry* e;
  if (Errno r = c.Fd(fd, rights::kFdFilestatSetSize, &e); r != Errno::kSuccess) return r;
  if (size > static_cast<uint64_t>(INT64_MAX)) return Errno::kInval;
  return ftruncate(e->host_fd, static_cast<off_t>(size)) == 0 ? Errno::kSuccess : LastErrno();
}

Errno FdFilestatSetTimes(Call& c, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fst_flags) {
  FdEntry* e;
  if (Errno r = c.Fd(fd, rights::kFdFilestatSetTimes, &e); r != Errno::kSuccess) return r;
  timespec times[2];
  if (fst_flags > 0xffff) return Errno::kInval;
  if (Errno r = TimesFromFst(atim, mtim, static_cast<uint16_t>(fst_flags), times); r != Errno::kSuccess) return r;
  return futimens(e->host_fd, times) == 0 ? Errno::kSuccess : LastErrno();
}

Errno FdPrestatGet(Call& c, uint32_t fd, uint32_t prestat_out) {
  FdEntry* e = c.wasi.fds.Find(fd);
  if (!e || !e->preopen) return Errno::kBadf;  // wasi-libc stops enumerating preopens at the first BADF
  uint8_t out[layout::kPrestatSize] = {};
  uint32_t len = static_cast<uint32_t>(e->preopen->size());
  std::memcpy(out + 4, &len, 4);
  return c.Store(prestat_out, out, sizeof out);
}

Errno FdPrestatDirName(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  FdEntry* e = c.wasi.fds.Find(fd);
  if (!e || !e->preopen) return Errno::kBadf;
  if (path_len < e->preopen->size()) return Errno::kNametoolong;
  return c.Store(path, e->preopen->data(), static_cast<uint32_t>(e->preopen->size()));
}

}  // namespace capsule::wasi
