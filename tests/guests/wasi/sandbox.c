// Runs raw WASI path calls against the first preopen (fd 3) with the exact paths given, bypassing wasi-libc's
// own path handling. Each argument is "op:path" or "op:path:path2"; prints "op:path[:path2] -> errno" per line.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define PRE 3
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define READ_RIGHTS                                                                                        \
  (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET | \
   __WASI_RIGHTS_FD_READDIR)
#define ALL_FILE_RIGHTS (READ_RIGHTS | __WASI_RIGHTS_FD_WRITE)

static int Open(const char* path, __wasi_lookupflags_t lookup, __wasi_oflags_t oflags) {
  __wasi_fd_t fd;
  // Like opendir(): a directory cannot be opened for writing.
  __wasi_rights_t rights = oflags & __WASI_OFLAGS_DIRECTORY ? READ_RIGHTS : ALL_FILE_RIGHTS;
  int e = __wasi_path_open(PRE, lookup, path, oflags, rights, 0, 0, &fd);
  if (e == 0 && __wasi_fd_close(fd) != 0) return -2;
  return e;
}

static int Run(const char* op, const char* a, const char* b) {
  __wasi_filestat_t st;
  char buf[64];
  __wasi_size_t used;
  if (!strcmp(op, "open")) return Open(a, FOLLOW, 0);
  if (!strcmp(op, "open_nofollow")) return Open(a, 0, 0);
  if (!strcmp(op, "opendir")) return Open(a, FOLLOW, __WASI_OFLAGS_DIRECTORY);
  if (!strcmp(op, "create")) return Open(a, FOLLOW, __WASI_OFLAGS_CREAT);
  if (!strcmp(op, "stat")) return __wasi_path_filestat_get(PRE, FOLLOW, a, &st);
  if (!strcmp(op, "lstat")) return __wasi_path_filestat_get(PRE, 0, a, &st);
  if (!strcmp(op, "utimes")) return __wasi_path_filestat_set_times(PRE, FOLLOW, a, 0, 0, __WASI_FSTFLAGS_MTIM_NOW);
  if (!strcmp(op, "mkdir")) return __wasi_path_create_directory(PRE, a);
  if (!strcmp(op, "rmdir")) return __wasi_path_remove_directory(PRE, a);
  if (!strcmp(op, "unlink")) return __wasi_path_unlink_file(PRE, a);
  if (!strcmp(op, "readlink")) return __wasi_path_readlink(PRE, a, (uint8_t*)buf, sizeof buf, &used);
  if (!strcmp(op, "symlink")) return __wasi_path_symlink(a, PRE, b);
  if (!strcmp(op, "rename")) return __wasi_path_rename(PRE, a, PRE, b);
  if (!strcmp(op, "link")) return __wasi_path_link(PRE, 0, a, PRE, b);
  if (!strcmp(op, "linkf")) return __wasi_path_link(PRE, FOLLOW, a, PRE, b);
  return -1;
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char spec[512];
    snprintf(spec, sizeof spec, "%s", argv[i]);
    char* a = strchr(spec, ':');
    if (!a) return 2;
    *a++ = 0;
    char* b = strchr(a, ':');
    if (b) *b++ = 0;
    printf("%s -> %d\n", argv[i], Run(spec, a, b ? b : ""));
  }
  return 0;
}
