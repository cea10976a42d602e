// Calls every wasi_snapshot_preview1 function (but proc_exit) with random arguments: bad fds, bad flags, pointers
// out of bounds or straddling the end of memory, hostile paths. The host must answer each with an errno and
// never crash or trap. Guest memory outside `scratch` is never handed out, so the guest itself stays intact.
// argv[1]: seed, argv[2]: number of calls. Expects a scratch preopen at fd 3; returns 0 when every call returned.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
typedef int32_t I;
typedef int64_t L;
IMPORT(args_get) I r_args_get(I, I);
IMPORT(args_sizes_get) I r_args_sizes_get(I, I);
IMPORT(environ_get) I r_environ_get(I, I);
IMPORT(environ_sizes_get) I r_environ_sizes_get(I, I);
IMPORT(clock_res_get) I r_clock_res_get(I, I);
IMPORT(clock_time_get) I r_clock_time_get(I, L, I);
IMPORT(fd_advise) I r_fd_advise(I, L, L, I);
IMPORT(fd_allocate) I r_fd_allocate(I, L, L);
IMPORT(fd_close) I r_fd_close(I);
IMPORT(fd_datasync) I r_fd_datasync(I);
IMPORT(fd_fdstat_get) I r_fd_fdstat_get(I, I);
IMPORT(fd_fdstat_set_flags) I r_fd_fdstat_set_flags(I, I);
IMPORT(fd_fdstat_set_rights) I r_fd_fdstat_set_rights(I, L, L);
IMPORT(fd_filestat_get) I r_fd_filestat_get(I, I);
IMPORT(fd_filestat_set_size) I r_fd_filestat_set_size(I, L);
IMPORT(fd_filestat_set_times) I r_fd_filestat_set_times(I, L, L, I);
IMPORT(fd_pread) I r_fd_pread(I, I, I, L, I);
IMPORT(fd_prestat_get) I r_fd_prestat_get(I, I);
IMPORT(fd_prestat_dir_name) I r_fd_prestat_dir_name(I, I, I);
IMPORT(fd_pwrite) I r_fd_pwrite(I, I, I, L, I);
IMPORT(fd_read) I r_fd_read(I, I, I, I);
IMPORT(fd_readdir) I r_fd_readdir(I, I, I, L, I);
IMPORT(fd_renumber) I r_fd_renumber(I, I);
IMPORT(fd_seek) I r_fd_seek(I, L, I, I);
IMPORT(fd_sync) I r_fd_sync(I);
IMPORT(fd_tell) I r_fd_tell(I, I);
IMPORT(fd_write) I r_fd_write(I, I, I, I);
IMPORT(path_create_directory) I r_path_create_directory(I, I, I);
IMPORT(path_filestat_get) I r_path_filestat_get(I, I, I, I, I);
IMPORT(path_filestat_set_times) I r_path_filestat_set_times(I, I, I, I, L, L, I);
IMPORT(path_link) I r_path_link(I, I, I, I, I, I, I);
IMPORT(path_open) I r_path_open(I, I, I, I, I, L, L, I, I);
IMPORT(path_readlink) I r_path_readlink(I, I, I, I, I, I);
IMPORT(path_remove_directory) I r_path_remove_directory(I, I, I);
IMPORT(path_rename) I r_path_rename(I, I, I, I, I, I);
IMPORT(path_symlink) I r_path_symlink(I, I, I, I, I);
IMPORT(path_unlink_file) I r_path_unlink_file(I, I, I);
IMPORT(poll_oneoff) I r_poll_oneoff(I, I, I, I);
IMPORT(proc_raise) I r_proc_raise(I);
IMPORT(sched_yield) I r_sched_yield(void);
IMPORT(random_get) I r_random_get(I, I);
IMPORT(sock_accept) I r_sock_accept(I, I, I);
IMPORT(sock_recv) I r_sock_recv(I, I, I, I, I, I);
IMPORT(sock_send) I r_sock_send(I, I, I, I, I);
IMPORT(sock_shutdown) I r_sock_shutdown(I, I);

#define SCRATCH 65536
#define MARGIN 4096  // room for the largest fixed-size result at a scratch pointer
static uint8_t scratch[SCRATCH + MARGIN];
static uint64_t state;

static uint64_t Next(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}
static uint32_t Below(uint32_t n) {
  return (uint32_t)(Next() % n);
}
static uint32_t MemSize(void) {
  return (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
}
static I Addr(uint32_t offset) {
  return (I)(uintptr_t)(scratch + offset);
}

// A pointer for a fixed-size result: inside scratch (with MARGIN bytes behind it), out of bounds, or straddling
// the end of memory.
static I Out(void) {
  switch (Below(4)) {
    case 0: return (I)(MemSize() + Below(1000));
    case 1: return (I)(MemSize() - 1 - Below(3));
    case 2: return (I)0xffffffffu;
    default: return Addr(Below(SCRATCH));
  }
}
// A buffer: inside scratch, or reaching past the end of memory (so the host must refuse it).
static void Buf(I* ptr, I* len) {
  uint32_t at = Below(SCRATCH);
  switch (Below(4)) {
    case 0:
      *ptr = Addr(at);
      *len = (I)(0x40000000u + Below(0x40000000u) * 3u);
      return;
    case 1:
      *ptr = (I)(MemSize() - Below(16));
      *len = (I)(16 + Below(64));
      return;
    default:
      *ptr = Addr(at);
      *len = (I)Below(SCRATCH - at + 1);
      return;
  }
}
// Mostly the preopen (3) or fds the calls opened (4..11), sometimes stdio or anything.
static I Fd(void) {
  uint32_t r = Below(16);
  if (r < 6) return 3;
  if (r < 12) return (I)(4 + Below(8));
  return r < 15 ? (I)Below(3) : (I)Next();
}
static I Flags(void) {
  return Below(4) == 0 ? (I)Next() : (I)Below(64);
}
static L Wide(void) {
  switch (Below(6)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return (L)1 << 62;
    case 3: return (L)(Next() >> 1);
    default: return (L)Below(1 << 20);
  }
}

// fd 3 with 4 instead: closing or replacing the preopen would leave the rest of the run with nothing but BADF.
static I KeepPreopen(I fd) {
  return fd == 3 ? 4 : fd;
}
// Rights: usually a subset of what a preopen hands down, sometimes anything.
static L Rights(void) {
  return Below(4) == 0 ? Wide() : (L)(Next() & 0x0fffffff);
}

static const char* const kPaths[] = {"x", "d",       "d/e", "l",     "..",  "../x", "/etc/passwd", ".",
                                     "",  "d/../..", "x/",  "d//e/", "l/x", "a\0b", "/",           "d/../x"};

// A path in scratch: a hostile or ordinary one, random bytes, or a bad pointer.
static void Path(I* ptr, I* len, uint32_t slot) {
  uint32_t r = Below(10);
  if (r == 0) {
    Buf(ptr, len);
    return;
  }
  uint8_t* p = scratch + SCRATCH - 1024 * (slot + 1);
  if (r == 1) {
    uint32_t n = Below(40);
    for (uint32_t i = 0; i < n; ++i) p[i] = (uint8_t)("xd./l\\\0e"[Below(8)]);
    *ptr = Addr((uint32_t)(p - scratch));
    *len = (I)n;
    return;
  }
  const char* s = kPaths[Below(sizeof kPaths / sizeof kPaths[0])];
  size_t n = s[0] == 'a' ? 3 : strlen(s);
  memcpy(p, s, n);
  *ptr = Addr((uint32_t)(p - scratch));
  *len = (I)n;
}

// An iovec array in scratch whose entries are random buffers.
static void Iovecs(I* ptr, I* count) {
  if (Below(8) == 0) {
    *ptr = Out();
    *count = (I)Below(4);
    return;
  }
  uint32_t n = Below(5);
  uint8_t* array = scratch + SCRATCH - 8192;
  for (uint32_t i = 0; i < n; ++i) {
    I p, l;
    Buf(&p, &l);
    if (l > 4096 && (uint32_t)l < 0x40000000u) l = 4096;
    memcpy(array + i * 8, &p, 4);
    memcpy(array + i * 8 + 4, &l, 4);
  }
  *ptr = Addr((uint32_t)(array - scratch));
  *count = (I)n;
}

// Subscriptions that can never block for long: a 1 ms clock first, then random fd or clock subscriptions.
static I Subscriptions(I* count) {
  uint8_t* subs = scratch + SCRATCH - 16384;
  uint32_t n = 1 + Below(4);
  memset(subs, 0, 48 * n);
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t* s = subs + 48 * i;
    uint64_t userdata = Next();
    memcpy(s, &userdata, 8);
    uint8_t tag = i == 0 ? 0 : (uint8_t)Below(4);
    s[8] = tag;
    if (tag == 0) {
      uint32_t id = i == 0 ? 1 : Below(5);
      uint64_t timeout = i == 0 ? 1000000 : Below(2000000);
      uint16_t flags = i == 0 ? 0 : (uint16_t)Below(2);
      memcpy(s + 16, &id, 4);
      memcpy(s + 24, &timeout, 8);
      memcpy(s + 40, &flags, 2);
    } else {
      I fd = Fd();
      memcpy(s + 16, &fd, 4);
    }
  }
  *count = (I)n;
  return Addr((uint32_t)(subs - scratch));
}

static void Call(uint32_t which) {
  I p1, l1, p2, l2;
  switch (which) {
    case 0: r_args_get(Out(), Out()); break;
    case 1: r_args_sizes_get(Out(), Out()); break;
    case 2: r_environ_get(Out(), Out()); break;
    case 3: r_environ_sizes_get(Out(), Out()); break;
    case 4: r_clock_res_get(Flags(), Out()); break;
    case 5: r_clock_time_get(Flags(), Wide(), Out()); break;
    case 6: r_fd_advise(Fd(), Wide(), Wide(), Flags()); break;
    case 7: r_fd_allocate(Fd(), Wide() & 0xfffff, Wide() & 0xfffff); break;
    case 8:
      if (Below(8) == 0) r_fd_close(KeepPreopen(Fd()));
      break;
    case 9: r_fd_datasync(Fd()); break;
    case 10: r_fd_fdstat_get(Fd(), Out()); break;
    case 11: r_fd_fdstat_set_flags(Fd(), Flags()); break;
    case 12: r_fd_fdstat_set_rights(Fd(), Rights(), Rights()); break;
    case 13: r_fd_filestat_get(Fd(), Out()); break;
    case 14: r_fd_filestat_set_size(Fd(), Wide()); break;
    case 15: r_fd_filestat_set_times(Fd(), Wide(), Wide(), Flags()); break;
    case 16:
      Iovecs(&p1, &l1);
      r_fd_pread(Fd(), p1, l1, Wide(), Out());
      break;
    case 17: r_fd_prestat_get(Fd(), Out()); break;
    case 18:
      Buf(&p1, &l1);
      r_fd_prestat_dir_name(Fd(), p1, l1);
      break;
    case 19:
      Iovecs(&p1, &l1);
      r_fd_pwrite(Fd(), p1, l1, Wide() & 0xffffff, Out());
      break;
    case 20:
      Iovecs(&p1, &l1);
      r_fd_read(Fd(), p1, l1, Out());
      break;
    case 21:
      Buf(&p1, &l1);
      r_fd_readdir(Fd(), p1, l1, Wide(), Out());
      break;
    case 22:
      if (Below(8) == 0) r_fd_renumber(KeepPreopen(Fd()), KeepPreopen(Fd()));
      break;
    case 23: r_fd_seek(Fd(), Wide(), Flags() & 7, Out()); break;
    case 24: r_fd_sync(Fd()); break;
    case 25: r_fd_tell(Fd(), Out()); break;
    case 26:
      Iovecs(&p1, &l1);
      r_fd_write(Fd(), p1, l1, Out());
      break;
    case 27:
      Path(&p1, &l1, 0);
      r_path_create_directory(Fd(), p1, l1);
      break;
    case 28:
      Path(&p1, &l1, 0);
      r_path_filestat_get(Fd(), Flags(), p1, l1, Out());
      break;
    case 29:
      Path(&p1, &l1, 0);
      r_path_filestat_set_times(Fd(), Flags(), p1, l1, Wide(), Wide(), Flags());
      break;
    case 30:
      Path(&p1, &l1, 0);
      Path(&p2, &l2, 1);
      r_path_link(Fd(), Flags(), p1, l1, Fd(), p2, l2);
      break;
    case 31:
      Path(&p1, &l1, 0);
      r_path_open(Fd(), Flags() & 1, p1, l1, Flags() & 15, Rights(), Rights(), Below(4) ? (I)Below(32) : Flags(),
                  Out());
      break;
    case 32:
      Path(&p1, &l1, 0);
      Buf(&p2, &l2);
      r_path_readlink(Fd(), p1, l1, p2, l2, Out());
      break;
    case 33:
      Path(&p1, &l1, 0);
      r_path_remove_directory(Fd(), p1, l1);
      break;
    case 34:
      Path(&p1, &l1, 0);
      Path(&p2, &l2, 1);
      r_path_rename(Fd(), p1, l1, Fd(), p2, l2);
      break;
    case 35:
      Path(&p1, &l1, 0);
      Path(&p2, &l2, 1);
      r_path_symlink(p1, l1, Fd(), p2, l2);
      break;
    case 36:
      Path(&p1, &l1, 0);
      r_path_unlink_file(Fd(), p1, l1);
      break;
    case 37: {
      I n = 1;
      I in =
          Below(8) == 0 ? (I)(MemSize() + Below(1000)) : Subscriptions(&n);  // garbage in scratch could sleep forever
      if (Below(8) == 0) n += (I)Below(60);                  // garbage subscriptions, still inside scratch
      if (Below(8) == 0) n = (I)(0x10001 + Below(1 << 30));  // too many
      r_poll_oneoff(in, Addr(SCRATCH - 32768), n, Out());
      break;
    }
    case 38: r_proc_raise(Flags()); break;
    case 39: r_sched_yield(); break;
    case 40:
      Buf(&p1, &l1);
      r_random_get(p1, l1);
      break;
    case 41: r_sock_accept(Fd(), Flags(), Out()); break;
    case 42:
      Iovecs(&p1, &l1);
      r_sock_recv(Fd(), p1, l1, Flags(), Out(), Out());
      break;
    case 43:
      Iovecs(&p1, &l1);
      r_sock_send(Fd(), p1, l1, Flags(), Out());
      break;
    case 44: r_sock_shutdown(Fd(), Flags()); break;
  }
}

int main(int argc, char** argv) {
  state = argc > 1 ? strtoull(argv[1], NULL, 10) * 2654435761u + 1 : 1;
  long calls = argc > 2 ? strtol(argv[2], NULL, 10) : 10000;
  for (long i = 0; i < calls; ++i) Call(Below(45));
  return 0;
}
