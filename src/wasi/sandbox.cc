#include "sandbox.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "host_errno.h"

namespace capsule::wasi {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) close(fd_);
}

Errno CheckGuestPath(std::string_view guest_path, std::string* out) {
  if (guest_path.find('\0') != std::string_view::npos) return Errno::kInval;
  if (guest_path.empty()) return Errno::kNoent;
  if (guest_path.size() >= PATH_MAX) return Errno::kNametoolong;
  if (guest_path.front() == '/') return Errno::kNotcapable;
  out->assign(guest_path);
  return Errno::kSuccess;
}

Errno OpenBeneath(int dirfd, std::string_view path, int flags, mode_t mode, UniqueFd* out) {
  std::string p;
  if (Errno e = CheckGuestPath(path, &p); e != Errno::kSuccess) return e;
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  // EAGAIN: the kernel saw a concurrent rename it could not rule out as an escape; retrying is the documented fix.
  for (int attempt = 0; attempt < 16; ++attempt) {
    long fd = syscall(SYS_openat2, dirfd, p.c_str(), &how, sizeof how);
    if (fd >= 0) {
      *out = UniqueFd(static_cast<int>(fd));
      return Errno::kSuccess;
    }
    if (errno == EINTR || errno == EAGAIN) continue;
    return errno == EXDEV ? Errno::kNotcapable : LastErrno();
  }
  return Errno::kAgain;
}

Errno OpenParent(int dirfd, std::string_view path, ParentDir* out) {
  std::string p;
  if (Errno e = CheckGuestPath(path, &p); e != Errno::kSuccess) return e;
  size_t end = p.size();
  while (end > 0 && p[end - 1] == '/') --end;  // end > 0: p does not start with '/'
  size_t slash = p.rfind('/', end - 1);
  size_t start = slash == std::string::npos ? 0 : slash + 1;
  std::string_view last = std::string_view(p).substr(start, end - start);
  std::string dir;
  if (last == "." || last == "..") {
    dir = p;
    out->name.assign(1, '.');  // not = ".": GCC 12 at -O3 reports a bogus -Wrestrict for that
  } else {
    dir = p.substr(0, start);
    out->name = p.substr(start);
  }
  if (dir.empty()) {
    out->fd = dirfd;
    return Errno::kSuccess;
  }
  if (Errno e = OpenBeneath(dirfd, dir, O_PATH | O_DIRECTORY, 0, &out->owned); e != Errno::kSuccess) return e;
  out->fd = out->owned.get();
  return Errno::kSuccess;
}

}  // namespace capsule::wasi
