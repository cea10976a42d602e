#include "filestat.h"

#include <sys/socket.h>

#include <cstring>

#include "host_errno.h"

namespace capsule::wasi {

namespace {

void Put64(uint8_t* p, uint64_t v) {
  std::memcpy(p, &v, 8);
}

timespec FromTimestamp(uint64_t ns) {
  return timespec{static_cast<time_t>(ns / 1000000000u), static_cast<long>(ns % 1000000000u)};
}

Errno OneTime(uint64_t value, bool set, bool now, timespec* out) {
  if (set && now) return Errno::kInval;
  if (now) {
    *out = timespec{0, UTIME_NOW};
  } else if (set) {
    *out = FromTimestamp(value);
  } else {
    *out = timespec{0, UTIME_OMIT};
  }
  return Errno::kSuccess;
}

}  // namespace

FileType FileTypeOfMode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return FileType::kRegularFile;
    case S_IFDIR: return FileType::kDirectory;
    case S_IFLNK: return FileType::kSymbolicLink;
    case S_IFCHR: return FileType::kCharacterDevice;
    case S_IFBLK: return FileType::kBlockDevice;
    case S_IFSOCK: return FileType::kSocketStream;
    default: return FileType::kUnknown;
  }
}

Errno StatFd(int fd, struct stat* st, FileType* type) {
  if (fstat(fd, st) != 0) return LastErrno();
  *type = FileTypeOfMode(st->st_mode);
  if (*type == FileType::kSocketStream) {
    int so_type = 0;
    socklen_t len = sizeof so_type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &so_type, &len) == 0 && so_type == SOCK_DGRAM)
      *type = FileType::kSocketDgram;
  }
  return Errno::kSuccess;
}

uint64_t ToTimestamp(const timespec& ts) {
  if (ts.tv_sec < 0) return 0;
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

void EncodeFilestat(const struct stat& st, FileType type, uint8_t* out) {
  std::memset(out, 0, layout::kFilestatSize);
  Put64(out + 0, st.st_dev);
  Put64(out + 8, st.st_ino);
  out[16] = static_cast<uint8_t>(type);
  Put64(out + 24, st.st_nlink);
  Put64(out + 32, static_cast<uint64_t>(st.st_size));
  Put64(out + 40, ToTimestamp(st.st_atim));
  Put64(out + 48, ToTimestamp(st.st_mtim));
  Put64(out + 56, ToTimestamp(st.st_ctim));
}

Errno TimesFromFst(uint64_t atim, uint64_t mtim, uint16_t fst_flags, timespec out[2]) {
  if (fst_flags & ~(kFstAtim | kFstAtimNow | kFstMtim | kFstMtimNow)) return Errno::kInval;
  if (Errno e = OneTime(atim, fst_flags & kFstAtim, fst_flags & kFstAtimNow, &out[0]); e != Errno::kSuccess) return e;
  return OneTime(mtim, fst_flags & kFstMtim, fst_flags & kFstMtimNow, &out[1]);
}

}  // namespace capsule::wasi
