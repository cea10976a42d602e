// Exercises wasi_snapshot_preview1 directly (no wasi-libc wrappers): struct layouts, rights, errno values, bad
// pointers, fd numbering, readdir cookies, poll_oneoff, sockets. Expects the preopen "/sandbox" at fd 3 (an empty
// directory) and stdout on a pipe. Prints "FAIL ..." per failed check and exits with the failure count.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t raw_proc_raise(int32_t);

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

#define PRE 3
#define BAD_PTR ((void*)0xfffffff0)
#define FILE_RIGHTS                                                                                           \
  (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |           \
   __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | \
   __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC |  \
   __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_POLL_FD_READWRITE)

static __wasi_fd_t OpenFile(const char* path, __wasi_oflags_t oflags) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  EXPECT_EQ(__wasi_path_open(PRE, 0, path, oflags, FILE_RIGHTS, 0, 0, &fd), 0);
  return fd;
}

static __wasi_errno_t Write(__wasi_fd_t fd, const char* s, __wasi_size_t* n) {
  __wasi_ciovec_t iov = {(const uint8_t*)s, strlen(s)};
  return __wasi_fd_write(fd, &iov, 1, n);
}

static void Prestat(void) {
  __wasi_prestat_t p;
  EXPECT_EQ(__wasi_fd_prestat_get(PRE, &p), 0);
  EXPECT_EQ(p.tag, __WASI_PREOPENTYPE_DIR);
  EXPECT_EQ(p.u.dir.pr_name_len, 8);
  char name[16] = {0};
  EXPECT_EQ(__wasi_fd_prestat_dir_name(PRE, (uint8_t*)name, 8), 0);
  EXPECT_EQ(strcmp(name, "/sandbox"), 0);
  EXPECT_EQ(__wasi_fd_prestat_dir_name(PRE, (uint8_t*)name, 3), __WASI_ERRNO_NAMETOOLONG);
  EXPECT_EQ(__wasi_fd_prestat_get(1, &p), __WASI_ERRNO_BADF);
  EXPECT_EQ(__wasi_fd_prestat_get(4, &p), __WASI_ERRNO_BADF);
  EXPECT_EQ(__wasi_fd_prestat_get(PRE, BAD_PTR), __WASI_ERRNO_FAULT);
}

static void Fdstat(void) {
  __wasi_fdstat_t s;
  EXPECT_EQ(__wasi_fd_fdstat_get(PRE, &s), 0);
  EXPECT_EQ(s.fs_filetype, __WASI_FILETYPE_DIRECTORY);
  EXPECT_EQ((s.fs_rights_base & __WASI_RIGHTS_PATH_OPEN) != 0, 1);
  EXPECT_EQ((s.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE) != 0, 1);
  EXPECT_EQ(__wasi_fd_fdstat_get(1, &s), 0);
  EXPECT_EQ(s.fs_filetype, __WASI_FILETYPE_UNKNOWN);  // a pipe
  EXPECT_EQ(s.fs_rights_base & (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL), 0);
  EXPECT_EQ(__wasi_fd_fdstat_get(77, &s), __WASI_ERRNO_BADF);
  EXPECT_EQ(__wasi_fd_fdstat_set_flags(1, __WASI_FDFLAGS_NONBLOCK), __WASI_ERRNO_NOTSUP);  // borrowed from host
}

static void BadPointers(void) {
  __wasi_size_t n;
  EXPECT_EQ(__wasi_fd_write(1, BAD_PTR, 1, &n), __WASI_ERRNO_FAULT);
  __wasi_ciovec_t iov = {BAD_PTR, 64};
  EXPECT_EQ(__wasi_fd_write(1, &iov, 1, &n), __WASI_ERRNO_FAULT);
  EXPECT_EQ(Write(1, "", BAD_PTR), __WASI_ERRNO_FAULT);
  EXPECT_EQ(__wasi_args_sizes_get(BAD_PTR, &n), __WASI_ERRNO_FAULT);
  __wasi_fd_t fd;
  EXPECT_EQ(__wasi_path_open(PRE, 0, "x", __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, 0, BAD_PTR), __WASI_ERRNO_FAULT);
  __wasi_filestat_t st;
  EXPECT_EQ(__wasi_path_filestat_get(PRE, 0, "x", &st), __WASI_ERRNO_NOENT);  // nothing was created
  EXPECT_EQ(__wasi_poll_oneoff(BAD_PTR, BAD_PTR, 1, &n), __WASI_ERRNO_FAULT);
  (void)fd;
}

static void FileOps(void) {
  __wasi_fd_t fd = OpenFile("f.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL);
  __wasi_size_t n;
  EXPECT_EQ(Write(fd, "0123456789", &n), 0);
  EXPECT_EQ(n, 10);
  __wasi_filesize_t pos;
  EXPECT_EQ(__wasi_fd_tell(fd, &pos), 0);
  EXPECT_EQ(pos, 10);
  EXPECT_EQ(__wasi_fd_seek(fd, -4, __WASI_WHENCE_END, &pos), 0);
  EXPECT_EQ(pos, 6);
  EXPECT_EQ(__wasi_fd_seek(fd, 0, 7, &pos), __WASI_ERRNO_INVAL);
  EXPECT_EQ(__wasi_fd_seek(fd, -100, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_INVAL);
  char a[4] = {0}, b[4] = {0};
  __wasi_iovec_t iovs[2] = {{(uint8_t*)a, 2}, {(uint8_t*)b, 2}};
  EXPECT_EQ(__wasi_fd_read(fd, iovs, 2, &n), 0);
  EXPECT_EQ(n, 4);
  EXPECT_EQ(memcmp(a, "67", 2) + memcmp(b, "89", 2), 0);
  EXPECT_EQ(__wasi_fd_pread(fd, iovs, 1, 1, &n), 0);
  EXPECT_EQ(memcmp(a, "12", 2), 0);
  __wasi_ciovec_t out = {(const uint8_t*)"AB", 2};
  EXPECT_EQ(__wasi_fd_pwrite(fd, &out, 1, 20, &n), 0);
  __wasi_filestat_t st;
  EXPECT_EQ(__wasi_fd_filestat_get(fd, &st), 0);
  EXPECT_EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  EXPECT_EQ(st.size, 22);
  EXPECT_EQ(st.nlink, 1);
  EXPECT_EQ(__wasi_fd_filestat_set_size(fd, 3), 0);
  EXPECT_EQ(__wasi_fd_allocate(fd, 0, 100), 0);
  EXPECT_EQ(__wasi_fd_filestat_get(fd, &st), 0);
  EXPECT_EQ(st.size, 100);
  EXPECT_EQ(__wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_SEQUENTIAL), 0);
  EXPECT_EQ(__wasi_fd_advise(fd, 0, 0, 9), __WASI_ERRNO_INVAL);
  EXPECT_EQ(__wasi_fd_datasync(fd), 0);
  EXPECT_EQ(__wasi_fd_sync(fd), 0);

  const __wasi_timestamp_t kSec = 1000000000ull;
  EXPECT_EQ(__wasi_fd_filestat_set_times(fd, 1000 * kSec, 2000 * kSec, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
  EXPECT_EQ(__wasi_fd_filestat_get(fd, &st), 0);
  EXPECT_EQ(st.atim, 1000 * kSec);
  EXPECT_EQ(st.mtim, 2000 * kSec);
  EXPECT_EQ(__wasi_fd_filestat_set_times(fd, 1, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
            __WASI_ERRNO_INVAL);
  EXPECT_EQ(__wasi_path_filestat_set_times(PRE, 0, "f.txt", 0, 3000 * kSec, __WASI_FSTFLAGS_MTIM), 0);
  EXPECT_EQ(__wasi_path_filestat_get(PRE, 0, "f.txt", &st), 0);
  EXPECT_EQ(st.mtim, 3000 * kSec);
  EXPECT_EQ(st.atim, 1000 * kSec);

  __wasi_fdstat_t fs;
  EXPECT_EQ(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), 0);
  EXPECT_EQ(__wasi_fd_fdstat_get(fd, &fs), 0);
  EXPECT_EQ(fs.fs_flags, __WASI_FDFLAGS_APPEND);
  EXPECT_EQ(fs.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
  EXPECT_EQ(fs.fs_rights_base, FILE_RIGHTS);
  EXPECT_EQ(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP);

  // Rights only shrink, and are enforced.
  EXPECT_EQ(__wasi_fd_fdstat_set_rights(fd, FILE_RIGHTS & ~__WASI_RIGHTS_FD_WRITE, 0), 0);
  EXPECT_EQ(Write(fd, "x", &n), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_EQ(__wasi_fd_fdstat_set_rights(fd, FILE_RIGHTS, 0), __WASI_ERRNO_NOTCAPABLE);
  __wasi_fd_t sub;
  EXPECT_EQ(__wasi_path_open(PRE, 0, "f.txt", 0, __WASI_RIGHTS_PATH_OPEN, 0, 0, &sub), 0);  // within inheriting
  EXPECT_EQ(__wasi_fd_close(sub), 0);
  EXPECT_EQ(__wasi_path_open(fd, 0, "x", 0, 0, 0, 0, &sub), __WASI_ERRNO_NOTCAPABLE);  // no PATH_OPEN on a file

  // Renumbering.
  __wasi_fd_t other = OpenFile("f.txt", 0);
  EXPECT_EQ(__wasi_fd_renumber(fd, 200), __WASI_ERRNO_BADF);
  EXPECT_EQ(__wasi_fd_renumber(other, fd), 0);
  EXPECT_EQ(__wasi_fd_fdstat_get(fd, &fs), 0);
  EXPECT_EQ(fs.fs_flags, 0);  // fd now holds `other`
  EXPECT_EQ(__wasi_fd_close(other), __WASI_ERRNO_BADF);
  EXPECT_EQ(__wasi_fd_close(fd), 0);
  EXPECT_EQ(__wasi_fd_close(fd), __WASI_ERRNO_BADF);
  EXPECT_EQ(__wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_NOTCAPABLE);  // a pipe has no TELL
}

static void Links(void) {
  __wasi_filestat_t st;
  EXPECT_EQ(__wasi_path_symlink("f.txt", PRE, "ln"), 0);
  EXPECT_EQ(__wasi_path_symlink("/etc/passwd", PRE, "abs"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_EQ(__wasi_path_filestat_get(PRE, 0, "ln", &st), 0);
  EXPECT_EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  EXPECT_EQ(st.size, 5);
  EXPECT_EQ(__wasi_path_filestat_get(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "ln", &st), 0);
  EXPECT_EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  char buf[8] = {0};
  __wasi_size_t used;
  EXPECT_EQ(__wasi_path_readlink(PRE, "ln", (uint8_t*)buf, 3, &used), 0);
  EXPECT_EQ(used, 3);
  EXPECT_EQ(memcmp(buf, "f.t", 3), 0);
  EXPECT_EQ(__wasi_path_readlink(PRE, "f.txt", (uint8_t*)buf, sizeof buf, &used), __WASI_ERRNO_INVAL);
  EXPECT_EQ(__wasi_path_link(PRE, 0, "f.txt", PRE, "hard"), 0);
  EXPECT_EQ(__wasi_path_link(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "ln", PRE, "hard2"), 0);
  EXPECT_EQ(__wasi_path_filestat_get(PRE, 0, "f.txt", &st), 0);
  EXPECT_EQ(st.nlink, 3);
  EXPECT_EQ(__wasi_path_link(PRE, 0, "ln", PRE, "hard"), __WASI_ERRNO_EXIST);
  __wasi_fd_t fd;
  EXPECT_EQ(__wasi_path_open(PRE, 0, "ln", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_LOOP);
  EXPECT_EQ(__wasi_path_unlink_file(PRE, "hard"), 0);
  EXPECT_EQ(__wasi_path_unlink_file(PRE, "hard2"), 0);
  EXPECT_EQ(__wasi_path_unlink_file(PRE, "ln"), 0);
  EXPECT_EQ(__wasi_path_unlink_file(PRE, "f.txt/"), __WASI_ERRNO_NOTDIR);
  EXPECT_EQ(__wasi_path_create_directory(PRE, "dir"), 0);
  EXPECT_EQ(__wasi_path_unlink_file(PRE, "dir"), __WASI_ERRNO_ISDIR);
  EXPECT_EQ(__wasi_path_remove_directory(PRE, "f.txt"), __WASI_ERRNO_NOTDIR);
  EXPECT_EQ(__wasi_path_rename(PRE, "f.txt", PRE, "dir/g.txt"), 0);
  EXPECT_EQ(__wasi_path_remove_directory(PRE, "dir"), __WASI_ERRNO_NOTEMPTY);
  EXPECT_EQ(__wasi_path_rename(PRE, "dir/g.txt", PRE, "f.txt"), 0);
  EXPECT_EQ(__wasi_path_remove_directory(PRE, "dir/"), 0);
  EXPECT_EQ(__wasi_path_remove_directory(PRE, "."), __WASI_ERRNO_INVAL);
}

// Reads the directory with a tiny buffer, so entries come back truncated and reading resumes by cookie.
static void Readdir(void) {
  EXPECT_EQ(__wasi_path_create_directory(PRE, "many"), 0);
  __wasi_fd_t dir;
  EXPECT_EQ(__wasi_path_open(PRE, 0, "many", __WASI_OFLAGS_DIRECTORY,
                             __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_FILE,
                             FILE_RIGHTS, 0, &dir),
            0);
  enum { kFiles = 40 };
  for (int i = 0; i < kFiles; ++i) {
    char name[32];
    snprintf(name, sizeof name, "entry_with_a_long_name_%02d", i);
    __wasi_fd_t fd;
    EXPECT_EQ(__wasi_path_open(dir, 0, name, __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, 0, &fd), 0);
    EXPECT_EQ(__wasi_fd_close(fd), 0);
  }
  int seen[kFiles] = {0}, dots = 0, total = 0;
  __wasi_dircookie_t cookie = __WASI_DIRCOOKIE_START;
  uint8_t buf[80];  // one header (24) and name (25) fit, a second one only in part
  for (int rounds = 0; rounds < 1000; ++rounds) {
    __wasi_size_t used;
    EXPECT_EQ(__wasi_fd_readdir(dir, buf, sizeof buf, cookie, &used), 0);
    size_t pos = 0;
    int complete = 0;
    while (pos + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, buf + pos, sizeof d);
      if (pos + sizeof d + d.d_namlen > used) break;  // truncated: read again from the last cookie
      const char* name = (const char*)buf + pos + sizeof d;
      int index;
      if ((d.d_namlen == 1 && name[0] == '.') || (d.d_namlen == 2 && !memcmp(name, "..", 2))) {
        ++dots;
        EXPECT_EQ(d.d_type, __WASI_FILETYPE_DIRECTORY);
      } else if (d.d_namlen == 25 && sscanf(name, "entry_with_a_long_name_%02d", &index) == 1 && index < kFiles) {
        ++seen[index];
        EXPECT_EQ(d.d_type, __WASI_FILETYPE_REGULAR_FILE);
      } else {
        printf("FAIL unexpected entry %.*s\n", (int)d.d_namlen, name);
        ++failures;
      }
      ++total;
      ++complete;
      cookie = d.d_next;
      pos += sizeof d + d.d_namlen;
    }
    if (used < sizeof buf) break;
    if (complete == 0) {
      printf("FAIL readdir made no progress\n");
      ++failures;
      break;
    }
  }
  EXPECT_EQ(dots, 2);
  EXPECT_EQ(total, kFiles + 2);
  for (int i = 0; i < kFiles; ++i) EXPECT_EQ(seen[i], 1);
  EXPECT_EQ(__wasi_fd_readdir(dir, BAD_PTR, 100, 0, (__wasi_size_t*)buf), __WASI_ERRNO_FAULT);
  EXPECT_EQ(__wasi_fd_close(dir), 0);
}

static void Poll(void) {
  __wasi_subscription_t subs[3];
  __wasi_event_t events[3];
  __wasi_size_t n;
  EXPECT_EQ(__wasi_poll_oneoff(subs, events, 0, &n), __WASI_ERRNO_INVAL);

  memset(subs, 0, sizeof subs);
  subs[0].userdata = 11;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.timeout = 5 * 1000 * 1000;
  EXPECT_EQ(__wasi_poll_oneoff(subs, events, 1, &n), 0);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(events[0].userdata, 11);
  EXPECT_EQ(events[0].type, __WASI_EVENTTYPE_CLOCK);
  EXPECT_EQ(events[0].error, 0);

  __wasi_fd_t fd = OpenFile("f.txt", 0);
  subs[0].u.u.clock.timeout = 10ull * 1000 * 1000 * 1000;  // would block 10 s if the fds were not ready
  subs[1].userdata = 22;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[1].u.u.fd_write.file_descriptor = 1;
  subs[2].userdata = 33;
  subs[2].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[2].u.u.fd_read.file_descriptor = fd;
  EXPECT_EQ(__wasi_poll_oneoff(subs, events, 3, &n), 0);
  EXPECT_EQ(n, 2);
  EXPECT_EQ(events[0].userdata, 22);
  EXPECT_EQ(events[0].type, __WASI_EVENTTYPE_FD_WRITE);
  EXPECT_EQ(events[1].userdata, 33);
  EXPECT_EQ(events[1].fd_readwrite.nbytes, 100);  // f.txt: 100 bytes after fd_allocate
  EXPECT_EQ(__wasi_fd_close(fd), 0);

  subs[1].u.u.fd_write.file_descriptor = 99;
  EXPECT_EQ(__wasi_poll_oneoff(subs, events, 2, &n), 0);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(events[0].userdata, 22);
  EXPECT_EQ(events[0].error, __WASI_ERRNO_BADF);
}

static void Sockets(void) {
  __wasi_fd_t fd;
  __wasi_size_t n;
  __wasi_roflags_t ro;
  __wasi_iovec_t iov = {0, 0};
  __wasi_ciovec_t ciov = {0, 0};
  EXPECT_EQ(__wasi_sock_accept(PRE, 0, &fd), __WASI_ERRNO_NOTSOCK);
  EXPECT_EQ(__wasi_sock_accept(99, 0, &fd), __WASI_ERRNO_BADF);
  EXPECT_EQ(__wasi_sock_recv(1, &iov, 1, 0, &n, &ro), __WASI_ERRNO_NOTSOCK);
  EXPECT_EQ(__wasi_sock_send(1, &ciov, 1, 0, &n), __WASI_ERRNO_NOTSOCK);
  EXPECT_EQ(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
  EXPECT_EQ(__wasi_sock_shutdown(99, __WASI_SDFLAGS_WR), __WASI_ERRNO_BADF);
}

static void Misc(void) {
  EXPECT_EQ(raw_proc_raise(6), __WASI_ERRNO_NOSYS);
  EXPECT_EQ(__wasi_sched_yield(), 0);
  __wasi_size_t count, size;
  EXPECT_EQ(__wasi_environ_sizes_get(&count, &size), 0);
  EXPECT_EQ(count, 0);
  EXPECT_EQ(size, 0);
  EXPECT_EQ(__wasi_args_sizes_get(&count, &size), 0);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(size, sizeof "raw_api");
}

int main(void) {
  Prestat();
  Fdstat();
  BadPointers();
  FileOps();
  Links();
  Readdir();
  Poll();
  Sockets();
  Misc();
  printf("done, %d checks, %d failures\n", checks, failures);
  return failures;
}
