// The path_* functions other than path_open: each resolves its path(s) beneath a directory fd (sandbox.h), then
// acts with an *at(2) call that does not follow the last component, or on an O_PATH fd openat2 returned.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "filestat.h"
#include "functions.h"
#include "host_errno.h"
#include "sandbox.h"

namespace capsule::wasi {

namespace {

Errno Dir(Call& c, uint32_t fd, uint64_t rights, FdEntry** out) {
  if (Errno r = c.Fd(fd, rights, out); r != Errno::kSuccess) return r;
  return (*out)->type == FileType::kDirectory ? Errno::kSuccess : Errno::kNotdir;
}

// The parent directory of the guest path (fd, path, len), with `rights` required on fd.
Errno Parent(Call& c, uint32_t fd, uint64_t rights, uint32_t path, uint32_t len, ParentDir* out) {
  FdEntry* dir;
  if (Errno r = Dir(c, fd, rights, &dir); r != Errno::kSuccess) return r;
  std::string_view p;
  if (Errno r = c.String(path, len, &p); r != Errno::kSuccess) return r;
  return OpenParent(dir->host_fd, p, out);
}

// An O_PATH fd of the guest path itself, following a last symlink only when follow.
Errno Target(Call& c, uint32_t fd, uint64_t rights, uint32_t path, uint32_t len, bool follow, UniqueFd* out) {
  FdEntry* dir;
  if (Errno r = Dir(c, fd, rights, &dir); r != Errno::kSuccess) return r;
  std::string_view p;
  if (Errno r = c.String(path, len, &p); r != Errno::kSuccess) return r;
  return OpenBeneath(dir->host_fd, p, O_PATH | (follow ? 0 : O_NOFOLLOW), 0, out);
}

Errno Check(int rc) {
  return rc == 0 ? Errno::kSuccess : LastErrno();
}

bool HasTrailingSlash(const std::string& name) {
  return !name.empty() && name.back() == '/';
}

// A trailing slash makes the kernel follow a symlink in the last component, so such a path is resolved with
// openat2 instead: the answer (it is a directory, or an error) never comes from outside the sandbox.
Errno ResolvesToDirectory(Call& c, uint32_t fd, uint64_t rights, uint32_t path, uint32_t len) {
  UniqueFd target;
  return Target(c, fd, rights, path, len, true, &target);
}

}  // namespace

Errno PathCreateDirectory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  ParentDir parent;
  if (Errno r = Parent(c, fd, rights::kPathCreateDirectory, path, path_len, &parent); r != Errno::kSuccess) return r;
  return Check(mkdirat(parent.fd, parent.name.c_str(), 0777));
}

Errno PathRemoveDirectory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  ParentDir parent;
  if (Errno r = Parent(c, fd, rights::kPathRemoveDirectory, path, path_len, &parent); r != Errno::kSuccess) return r;
  return Check(unlinkat(parent.fd, parent.name.c_str(), AT_REMOVEDIR));
}

Errno PathUnlinkFile(Call& c, uint32_t fd, uint32_t path, uint32_t path_len) {
  ParentDir parent;
  if (Errno r = Parent(c, fd, rights::kPathUnlinkFile, path, path_len, &parent); r != Errno::kSuccess) return r;
  return Check(unlinkat(parent.fd, parent.name.c_str(), 0));
}

Errno PathRename(Call& c, uint32_t fd, uint32_t old_path, uint32_t old_path_len, uint32_t new_fd, uint32_t new_path,
                 uint32_t new_path_len) {
  ParentDir from, to;
  if (Errno r = Parent(c, fd, rights::kPathRenameSource, old_path, old_path_len, &from); r != Errno::kSuccess) return r;
  if (Errno r = Parent(c, new_fd, rights::kPathRenameTarget, new_path, new_path_len, &to); r != Errno::kSuccess)
    return r;
  return Check(renameat(from.fd, from.name.c_str(), to.fd, to.name.c_str()));
}

// Absolute targets are refused (NOTCAPABLE): the guest has no root to point at. Relative targets are stored as
// given; following them later is confined like any other path.
Errno PathSymlink(Call& c, uint32_t old_path, uint32_t old_path_len, uint32_t fd, uint32_t new_path,
                  uint32_t new_path_len) {
  std::string_view target_view;
  if (Errno r = c.String(old_path, old_path_len, &target_view); r != Errno::kSuccess) return r;
  std::string target;
  if (Errno r = CheckGuestPath(target_view, &target); r != Errno::kSuccess) return r;
  ParentDir parent;
  if (Errno r = Parent(c, fd, rights::kPathSymlink, new_path, new_path_len, &parent); r != Errno::kSuccess) return r;
  return Check(symlinkat(target.c_str(), parent.fd, parent.name.c_str()));
}

Errno PathLink(Call& c, uint32_t old_fd, uint32_t old_flags, uint32_t old_path, uint32_t old_path_len, uint32_t new_fd,
               uint32_t new_path, uint32_t new_path_len) {
  ParentDir to;
  if (Errno r = Parent(c, new_fd, rights::kPathLinkTarget, new_path, new_path_len, &to); r != Errno::kSuccess) return r;
  if (old_flags & kLookupSymlinkFollow) {
    UniqueFd src;
    if (Errno r = Target(c, old_fd, rights::kPathLinkSource, old_path, old_path_len, true, &src); r != Errno::kSuccess)
      return r;
    if (linkat(src.get(), "", to.fd, to.name.c_str(), AT_EMPTY_PATH) == 0) return Errno::kSuccess;
    if (errno != ENOENT && errno != EPERM) return LastErrno();
    // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the fd's /proc link names the same (already confined) file.
    char proc_path[64];
    std::snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", src.get());
    return Check(linkat(AT_FDCWD, proc_path, to.fd, to.name.c_str(), AT_SYMLINK_FOLLOW));
  }
  ParentDir from;
  if (Errno r = Parent(c, old_fd, rights::kPathLinkSource, old_path, old_path_len, &from); r != Errno::kSuccess)
    return r;
  if (HasTrailingSlash(from.name)) {
    Errno r = ResolvesToDirectory(c, old_fd, rights::kPathLinkSource, old_path, old_path_len);
    return r == Errno::kSuccess ? Errno::kPerm : r;  // hard links to directories are not allowed
  }
  return Check(linkat(from.fd, from.name.c_str(), to.fd, to.name.c_str(), 0));
}

Errno PathReadlink(Call& c, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf, uint32_t buf_len,
                   uint32_t bufused_out) {
  ParentDir parent;
  if (Errno r = Parent(c, fd, rights::kPathReadlink, path, path_len, &parent); r != Errno::kSuccess) return r;
  std::span<uint8_t> out;
  if (Errno r = c.Bytes(buf, buf_len, &out); r != Errno::kSuccess) return r;
  if (Errno r = c.CheckWritable(bufused_out, 4); r != Errno::kSuccess) return r;
  if (HasTrailingSlash(parent.name)) {
    Errno r = ResolvesToDirectory(c, fd, rights::kPathReadlink, path, path_len);
    return r == Errno::kSuccess ? Errno::kInval : r;  // a directory is not a symlink
  }
  char link[PATH_MAX];
  ssize_t n = readlinkat(parent.fd, parent.name.c_str(), link, sizeof link);
  if (n < 0) return LastErrno();
  size_t copied = std::min(static_cast<size_t>(n), out.size());  // truncated like POSIX readlink
  std::copy_n(link, copied, out.data());
  return c.StoreU32(bufused_out, static_cast<uint32_t>(copied));
}

Errno PathFilestatGet(Call& c, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len, uint32_t filestat_out) {
  UniqueFd target;
  if (Errno r = Target(c, fd, rights::kPathFilestatGet, path, path_len, flags & kLookupSymlinkFollow, &target);
      r != Errno::kSuccess)
    return r;
  struct stat st;
  FileType type;
  if (Errno r = StatFd(target.get(), &st, &type); r != Errno::kSuccess) return r;
  uint8_t out[layout::kFilestatSize];
  EncodeFilestat(st, type, out);
  return c.Store(filestat_out, out, sizeof out);
}

Errno PathFilestatSetTimes(Call& c, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len, uint64_t atim,
                           uint64_t mtim, uint32_t fst_flags) {
  timespec times[2];
  if (fst_flags > 0xffff) return Errno::kInval;
  if (Errno r = TimesFromFst(atim, mtim, static_cast<uint16_t>(fst_flags), times); r != Errno::kSuccess) return r;
  UniqueFd target;
  if (Errno r = Target(c, fd, rights::kPathFilestatSetTimes, path, path_len, flags & kLookupSymlinkFollow, &target);
      r != Errno::kSuccess)
    return r;
  return Check(utimensat(target.get(), "", times, AT_EMPTY_PATH));
}

}  // namespace capsule::wasi
