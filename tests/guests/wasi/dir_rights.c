// The rights of directory fds, through the raw wasi_snapshot_preview1 calls: neither the first preopen nor a
// directory opened under it has FD_SEEK or FD_TELL, even when path_open asked for them, and a directory cannot be
// opened for writing. Expects its preopen (any guest path) to be an empty writable directory. Prints "FAIL ..."
// per failed check, then "done, N checks, M failures", and exits with M.
#include <stdint.h>
#include <stdio.h>
#include <wasi/api.h>

static int failures = 0, checks = 0;
#define EXPECT_EQ(got, want)                                                  \
  do {                                                                        \
    long long g_ = (long long)(got), w_ = (long long)(want);                  \
    ++checks;                                                                 \
    if (g_ != w_) {                                                           \
      printf("FAIL line %d: %s = %lld, want %lld\n", __LINE__, #got, g_, w_); \
      ++failures;                                                             \
    }                                                                         \
  } while (0)

#define SEEK_TELL (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)

// The lowest fd that is a preopened directory, or -1.
static int FirstPreopen(void) {
  for (__wasi_fd_t fd = 3; fd < 64; ++fd) {
    __wasi_prestat_t p;
    if (__wasi_fd_prestat_get(fd, &p) == 0 && p.tag == __WASI_PREOPENTYPE_DIR) return (int)fd;
  }
  return -1;
}

static __wasi_rights_t BaseRights(__wasi_fd_t fd) {
  __wasi_fdstat_t s = {0};
  EXPECT_EQ(__wasi_fd_fdstat_get(fd, &s), 0);
  EXPECT_EQ(s.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  return s.fs_rights_base;
}

int main(void) {
  int pre = FirstPreopen();
  EXPECT_EQ(pre >= 3, 1);
  if (pre < 0) return 1;
  EXPECT_EQ(BaseRights(pre) & SEEK_TELL, 0);
  EXPECT_EQ(__wasi_path_create_directory(pre, "dir"), 0);

  // Asking for seek and tell on a directory succeeds, without them.
  __wasi_fd_t dir = 0;
  EXPECT_EQ(__wasi_path_open(pre, 0, "dir", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR | SEEK_TELL, 0, 0, &dir),
            0);
  __wasi_rights_t rights = BaseRights(dir);
  EXPECT_EQ(rights & SEEK_TELL, 0);
  EXPECT_EQ(rights & __WASI_RIGHTS_FD_READDIR, __WASI_RIGHTS_FD_READDIR);
  __wasi_filesize_t pos;
  EXPECT_EQ(__wasi_fd_seek(dir, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_EQ(__wasi_fd_tell(dir, &pos), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_EQ(__wasi_fd_close(dir), 0);

  // Every right the preopen hands down, asked for without OFLAGS_DIRECTORY: still no seek or tell.
  __wasi_fdstat_t s = {0};
  EXPECT_EQ(__wasi_fd_fdstat_get(pre, &s), 0);
  EXPECT_EQ(__wasi_path_open(pre, 0, "dir", 0,
                             s.fs_rights_inheriting & ~__WASI_RIGHTS_FD_WRITE & ~__WASI_RIGHTS_FD_DATASYNC &
                                 ~__WASI_RIGHTS_FD_ALLOCATE & ~__WASI_RIGHTS_FD_FILESTAT_SET_SIZE,
                             0, 0, &dir),
            0);
  EXPECT_EQ(BaseRights(dir) & SEEK_TELL, 0);
  EXPECT_EQ(__wasi_fd_close(dir), 0);

  // A directory opens for reading, never for writing.
  EXPECT_EQ(__wasi_path_open(pre, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, 0, &dir), 0);
  EXPECT_EQ(__wasi_fd_close(dir), 0);
  dir = 12345;
  EXPECT_EQ(__wasi_path_open(pre, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0,
                             &dir),
            __WASI_ERRNO_ISDIR);
  EXPECT_EQ(dir, 12345);
  EXPECT_EQ(__wasi_path_open(pre, 0, "dir", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, 0, 0, &dir),
            __WASI_ERRNO_ISDIR);
  EXPECT_EQ(__wasi_path_open(pre, 0, "dir", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &dir),
            __WASI_ERRNO_ISDIR);

  EXPECT_EQ(__wasi_path_remove_directory(pre, "dir"), 0);
  printf("done, %d checks, %d failures\n", checks, failures);
  return failures;
}
