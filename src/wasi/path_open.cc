// path_open: opens a file or directory beneath a directory fd and gives the guest a new fd for it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filestat.h"
#include "functions.h"
#include "host_errno.h"
#include "sandbox.h"

namespace capsule::wasi {

namespace {

constexpr uint64_t kReadRights = rights::kFdRead | rights::kFdReaddir;
constexpr uint64_t kWriteRights =
    rights::kFdDatasync | rights::kFdWrite | rights::kFdAllocate | rights::kFdFilestatSetSize;

// The directory-fd rights path_open itself needs for these flags.
uint64_t NeededDirRights(uint32_t oflags) {
  uint64_t needed = rights::kPathOpen;
  if (oflags & kOflagCreat) needed |= rights::kPathCreateFile;
  if (oflags & kOflagTrunc) needed |= rights::kPathFilestatSetSize;
  return needed;
}

int HostOpenFlags(uint32_t dirflags, uint32_t oflags, uint64_t rights_base, uint32_t fdflags) {
  int flags = O_NOCTTY;
  bool read = rights_base & kReadRights;
  bool write = rights_base & kWriteRights;
  // A directory opened for writing fails with EISDIR, with or without O_DIRECTORY.
  if (oflags & kOflagDirectory) flags |= O_DIRECTORY;
  if (read && write) {
    flags |= O_RDWR;
  } else if (write) {
    flags |= O_WRONLY;
  } else {
    flags |= O_RDONLY;
  }
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (!(dirflags & kLookupSymlinkFollow)) flags |= O_NOFOLLOW;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & (kFdflagSync | kFdflagRsync)) flags |= O_SYNC;
  return flags;
}

}  // namespace

// Rights: the new fd gets what the guest asked for, which must lie within the directory's inheriting rights
// (else NOTCAPABLE, as in wasmtime and node); a directory keeps only those of BaseRights(kDirectory), so never
// FD_SEEK or FD_TELL. The host file is opened for reading and/or writing according to those rights: write rights on
// a directory fail with ISDIR. A FIFO never blocks the open: it is opened non-blocking, then switched back unless
// asked for.
Errno PathOpen(Call& c, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len, uint32_t oflags,
               uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_out) {
  if (oflags & ~uint32_t{kOflagCreat | kOflagDirectory | kOflagExcl | kOflagTrunc}) return Errno::kInval;
  if (fdflags & ~uint32_t{kFdflagAppend | kFdflagDsync | kFdflagNonblock | kFdflagRsync | kFdflagSync})
    return Errno::kInval;
  FdEntry* dir;
  if (Errno r = c.Fd(fd, NeededDirRights(oflags), &dir); r != Errno::kSuccess) return r;
  if (dir->type != FileType::kDirectory) return Errno::kNotdir;
  if ((rights_base & ~dir->rights_inheriting) || (rights_inheriting & ~dir->rights_inheriting))
    return Errno::kNotcapable;
  std::string_view guest_path;
  if (Errno r = c.String(path, path_len, &guest_path); r != Errno::kSuccess) return r;
  if (Errno r = c.CheckWritable(fd_out, 4); r != Errno::kSuccess) return r;

  int flags = HostOpenFlags(dirflags, oflags, rights_base, fdflags);
  UniqueFd file;
  if (Errno r = OpenBeneath(dir->host_fd, guest_path, flags | O_NONBLOCK, 0666, &file); r != Errno::kSuccess) return r;
  if (!(fdflags & kFdflagNonblock)) {
    int now = fcntl(file.get(), F_GETFL);
    if (now < 0 || fcntl(file.get(), F_SETFL, now & ~O_NONBLOCK) != 0) return LastErrno();
  }

  FdEntry entry;
  struct stat st;
  if (Errno r = StatFd(file.get(), &st, &entry.type); r != Errno::kSuccess) return r;
  entry.host_fd = file.get();
  entry.rights_base = entry.type == FileType::kDirectory ? rights_base & BaseRights(FileType::kDirectory) : rights_base;
  entry.rights_inheriting = rights_inheriting;
  uint32_t new_fd;
  if (Errno r = c.wasi.fds.Insert(std::move(entry), &new_fd); r != Errno::kSuccess) return r;
  file.release();
  return c.StoreU32(fd_out, new_fd);
}

}  // namespace capsule::wasi
