// fd_readdir: directory entries straight from getdents64, with the kernel's d_off as WASI's cookie, so reading
// resumes at any cookie with one lseek and no per-fd state.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "filestat.h"
#include "functions.h"
#include "host_errno.h"

namespace capsule::wasi {

namespace {

FileType TypeOfDirent(int dirfd, unsigned char d_type, const char* name) {
  switch (d_type) {
    case DT_REG: return FileType::kRegularFile;
    case DT_DIR: return FileType::kDirectory;
    case DT_LNK: return FileType::kSymbolicLink;
    case DT_CHR: return FileType::kCharacterDevice;
    case DT_BLK: return FileType::kBlockDevice;
    case DT_SOCK: return FileType::kSocketStream;
    case DT_UNKNOWN: {
      struct stat st;
      return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? FileTypeOfMode(st.st_mode) : FileType::kUnknown;
    }
    default: return FileType::kUnknown;
  }
}

}  // namespace

Errno FdReaddir(Call& c, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie, uint32_t bufused_out) {
  FdEntry* e;
  if (Errno r = c.Fd(fd, rights::kFdReaddir, &e); r != Errno::kSuccess) return r;
  std::span<uint8_t> out;
  if (Errno r = c.Bytes(buf, buf_len, &out); r != Errno::kSuccess) return r;
  if (Errno r = c.CheckWritable(bufused_out, 4); r != Errno::kSuccess) return r;
  if (cookie > static_cast<uint64_t>(INT64_MAX)) return Errno::kInval;
  if (lseek(e->host_fd, static_cast<off_t>(cookie), SEEK_SET) < 0) return LastErrno();

  alignas(8) uint8_t raw[8192];
  size_t used = 0;
  auto emit = [&](const void* data, size_t len) {
    size_t n = std::min(len, out.size() - used);
    std::memcpy(out.data() + used, data, n);
    used += n;
  };
  while (used < out.size()) {
    long got = syscall(SYS_getdents64, e->host_fd, raw, sizeof raw);
    if (got < 0) return LastErrno();
    if (got == 0) break;
    for (long pos = 0; pos < got && used < out.size();) {
      // struct linux_dirent64: d_ino u64 @0, d_off s64 @8, d_reclen u16 @16, d_type u8 @18, d_name @19.
      const uint8_t* d = raw + pos;
      uint64_t ino, next;
      uint16_t reclen;
      std::memcpy(&ino, d, 8);
      std::memcpy(&next, d + 8, 8);
      std::memcpy(&reclen, d + 16, 2);
      const char* name = reinterpret_cast<const char*>(d + 19);
      uint32_t namlen = static_cast<uint32_t>(strnlen(name, reclen - 19));
      pos += reclen;
      uint8_t header[layout::kDirentSize] = {};
      std::memcpy(header, &next, 8);
      std::memcpy(header + 8, &ino, 8);
      std::memcpy(header + 16, &namlen, 4);
      header[20] = static_cast<uint8_t>(TypeOfDirent(e->host_fd, d[18], name));
      emit(header, sizeof header);
      emit(name, namlen);
    }
  }
  return c.StoreU32(bufused_out, static_cast<uint32_t>(used));
}

}  // namespace capsule::wasi
