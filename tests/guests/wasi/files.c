// File system round trip through wasi-libc in the preopened directory /sandbox: create, write, read, seek, stat,
// truncate, readdir, rename, symlink, link, unlink, mkdir, rmdir. Leaves /sandbox/result.txt for the host to
// check; prints "ok" or the failed check.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(cond)                                                    \
  do {                                                                 \
    if (!(cond)) {                                                     \
      printf("FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno); \
      return 1;                                                        \
    }                                                                  \
  } while (0)

static int Listing(const char* dir, char* out, size_t size) {
  DIR* d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  out[0] = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    strncat(out, e->d_name, size - strlen(out) - 2);
    strcat(out, e->d_type == DT_DIR ? "/ " : " ");
    ++n;
  }
  closedir(d);
  return n;
}

int main(void) {
  CHECK(mkdir("/sandbox/d", 0755) == 0);
  CHECK(mkdir("/sandbox/d", 0755) == -1 && errno == EEXIST);

  FILE* f = fopen("/sandbox/d/a.txt", "w");
  CHECK(f != NULL);
  CHECK(fputs("hello world\n", f) >= 0);
  CHECK(fclose(f) == 0);

  int fd = open("/sandbox/d/a.txt", O_RDWR);
  CHECK(fd >= 0);
  char buf[32] = {0};
  CHECK(lseek(fd, 6, SEEK_SET) == 6);
  CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "world", 5) == 0);
  CHECK(lseek(fd, 0, SEEK_CUR) == 11);
  CHECK(pwrite(fd, "W", 1, 6) == 1);
  CHECK(pread(fd, buf, 11, 0) == 11 && memcmp(buf, "hello World", 11) == 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 12);
  CHECK(ftruncate(fd, 5) == 0);
  CHECK(fstat(fd, &st) == 0 && st.st_size == 5);
  CHECK(lseek(fd, 0, SEEK_END) == 5);
  CHECK(write(fd, "!", 1) == 1);
  CHECK(close(fd) == 0);
  CHECK(stat("/sandbox/d/a.txt", &st) == 0 && st.st_size == 6);
  CHECK(stat("/sandbox/d", &st) == 0 && S_ISDIR(st.st_mode));
  CHECK(stat("/sandbox/d/missing", &st) == -1 && errno == ENOENT);
  CHECK(open("/sandbox/d/a.txt", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR);
  CHECK(open("/sandbox/d/new.txt", O_RDONLY) == -1 && errno == ENOENT);
  CHECK(open("/sandbox/d/a.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) == -1 && errno == EEXIST);

  CHECK(rename("/sandbox/d/a.txt", "/sandbox/d/b.txt") == 0);
  CHECK(access("/sandbox/d/a.txt", F_OK) == -1 && errno == ENOENT);
  CHECK(access("/sandbox/d/b.txt", F_OK) == 0);
  CHECK(mkdir("/sandbox/d/sub", 0755) == 0);
  CHECK(symlink("b.txt", "/sandbox/d/ln") == 0);
  char target[16] = {0};
  CHECK(readlink("/sandbox/d/ln", target, sizeof target) == 5 && memcmp(target, "b.txt", 5) == 0);
  CHECK(lstat("/sandbox/d/ln", &st) == 0 && S_ISLNK(st.st_mode));
  CHECK(stat("/sandbox/d/ln", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 6);
  CHECK(link("/sandbox/d/b.txt", "/sandbox/d/hard") == 0);
  CHECK(stat("/sandbox/d/b.txt", &st) == 0 && st.st_nlink == 2);

  char names[256];
  CHECK(Listing("/sandbox/d", names, sizeof names) == 4);
  printf("listing: %s\n", names);

  CHECK(rmdir("/sandbox/d") == -1 && errno == ENOTEMPTY);
  CHECK(unlink("/sandbox/d/sub") == -1 && (errno == EISDIR || errno == EPERM));
  CHECK(rmdir("/sandbox/d/b.txt") == -1 && errno == ENOTDIR);
  CHECK(rmdir("/sandbox/d/sub") == 0);
  CHECK(unlink("/sandbox/d/ln") == 0);
  CHECK(unlink("/sandbox/d/hard") == 0);
  CHECK(rename("/sandbox/d/b.txt", "/sandbox/result.txt") == 0);
  CHECK(rmdir("/sandbox/d") == 0);
  CHECK(access("/sandbox/d", F_OK) == -1 && errno == ENOENT);
  printf("ok\n");
  return 0;
}
