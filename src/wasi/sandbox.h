// Path resolution that cannot leave a directory: every guest path is resolved by the kernel (openat2 with
// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) relative to the guest's directory fd. Absolute paths, `..` above that
// directory, and symlinks (in any component) leading out of it fail with NOTCAPABLE.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "witx.h"

namespace capsule::wasi {

// A host fd that closes itself.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Checks a guest path and copies it into a NUL-terminated string: kInval for an embedded NUL, kNoent when empty,
// kNametoolong from PATH_MAX bytes on, kNotcapable when absolute.
Errno CheckGuestPath(std::string_view guest_path, std::string* out);

// Opens path beneath dirfd with open(2) flags (O_CLOEXEC is added) and mode (used with O_CREAT). Intermediate
// symlinks are followed while they stay beneath dirfd; the last one too unless flags has O_NOFOLLOW.
Errno OpenBeneath(int dirfd, std::string_view path, int flags, mode_t mode, UniqueFd* out);

// The directory holding path's last component, and that component: for the *at(2) calls that act on a name
// (mkdirat, unlinkat, renameat, linkat, symlinkat), which never follow a symlink in it. `name` keeps trailing
// slashes, so "file/" still fails with ENOTDIR; a last component of "." or ".." is resolved as the directory
// itself with name ".", so no call ever acts on a name above dirfd.
struct ParentDir {
  int fd = -1;     // dirfd itself, or owned_fd
  UniqueFd owned;  // an O_PATH fd of the parent, when path had more than one component
  std::string name;
};
Errno OpenParent(int dirfd, std::string_view path, ParentDir* out);

}  // namespace capsule::wasi
