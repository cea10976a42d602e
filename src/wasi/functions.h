// The wasi_snapshot_preview1 functions, one C++ function each, with the witx parameters in order as the wasm
// ABI passes them (pointers and sizes as uint32_t, i64 values as uint64_t/int64_t). Each returns the errno the
// guest receives; results go through the pointers the guest passed. register.cc binds them to the Linker.
#pragma once

#include <cstdint>

#include "call.h"

namespace capsule::wasi {

// args_env.cc
Errno ArgsGet(Call& c, uint32_t argv, uint32_t argv_buf);
Errno ArgsSizesGet(Call& c, uint32_t argc_out, uint32_t buf_size_out);
Errno EnvironGet(Call& c, uint32_t environ, uint32_t environ_buf);
Errno EnvironSizesGet(Call& c, uint32_t count_out, uint32_t buf_size_out);

// clock_random.cc
Errno ClockResGet(Call& c, uint32_t id, uint32_t resolution_out);
Errno ClockTimeGet(Call& c, uint32_t id, uint64_t precision, uint32_t time_out);
Errno RandomGet(Call& c, uint32_t buf, uint32_t buf_len);
Errno SchedYield(Call& c);
Errno ProcRaise(Call& c, uint32_t sig);

// fd_io.cc
Errno FdRead(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread_out);
Errno FdWrite(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten_out);
Errno FdPread(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset, uint32_t nread_out);
Errno FdPwrite(Call& c, uint32_t fd, uint32_t iovs, uint32_t iovs_len, uint64_t offset, uint32_t nwritten_out);
Errno FdSeek(Call& c, uint32_t fd, int64_t offset, uint32_t whence, uint32_t newoffset_out);
Errno FdTell(Call& c, uint32_t fd, uint32_t offset_out);
Errno FdAdvise(Call& c, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice);
Errno FdAllocate(Call& c, uint32_t fd, uint64_t offset, uint64_t len);
Errno FdDatasync(Call& c, uint32_t fd);
Errno FdSync(Call& c, uint32_t fd);

// fd_meta.cc
Errno FdClose(Call& c, uint32_t fd);
Errno FdRenumber(Call& c, uint32_t fd, uint32_t to);
Errno FdFdstatGet(Call& c, uint32_t fd, uint32_t fdstat_out);
Errno FdFdstatSetFlags(Call& c, uint32_t fd, uint32_t flags);
Errno FdFdstatSetRights(Call& c, uint32_t fd, uint64_t rights_base, uint64_t rights_inheriting);
Errno FdFilestatGet(Call& c, uint32_t fd, uint32_t filestat_out);
Errno FdFilestatSetSize(Call& c, uint32_t fd, uint64_t size);
Errno FdFilestatSetTimes(Call& c, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fst_flags);
Errno FdPrestatGet(Call& c, uint32_t fd, uint32_t prestat_out);
Errno FdPrestatDirName(Call& c, uint32_t fd, uint32_t path, uint32_t path_len);

// readdir.cc
Errno FdReaddir(Call& c, uint32_t fd, uint32_t buf, uint32_t buf_len, uint64_t cookie, uint32_t bufused_out);

// path_open.cc
Errno PathOpen(Call& c, uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len, uint32_t oflags,
               uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_out);

// path_ops.cc
Errno PathCreateDirectory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len);
Errno PathFilestatGet(Call& c, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len, uint32_t filestat_out);
Errno PathFilestatSetTimes(Call& c, uint32_t fd, uint32_t flags, uint32_t path, uint32_t path_len, uint64_t atim,
                           uint64_t mtim, uint32_t fst_flags);
Errno PathLink(Call& c, uint32_t old_fd, uint32_t old_flags, uint32_t old_path, uint32_t old_path_len, uint32_t new_fd,
               uint32_t new_path, uint32_t new_path_len);
Errno PathReadlink(Call& c, uint32_t fd, uint32_t path, uint32_t path_len, uint32_t buf, uint32_t buf_len,
                   uint32_t bufused_out);
Errno PathRemoveDirectory(Call& c, uint32_t fd, uint32_t path, uint32_t path_len);
Errno PathRename(Call& c, uint32_t fd, uint32_t old_path, uint32_t old_path_len, uint32_t new_fd, uint32_t new_path,
                 uint32_t new_path_len);
Errno PathSymlink(Call& c, uint32_t old_path, uint32_t old_path_len, uint32_t fd, uint32_t new_path,
                  uint32_t new_path_len);
Errno PathUnlinkFile(Call& c, uint32_t fd, uint32_t path, uint32_t path_len);

// poll.cc
Errno PollOneoff(Call& c, uint32_t in, uint32_t out, uint32_t nsubscriptions, uint32_t nevents_out);

// sock.cc
Errno SockAccept(Call& c, uint32_t fd, uint32_t flags, uint32_t fd_out);
Errno SockRecv(Call& c, uint32_t fd, uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags, uint32_t datalen_out,
               uint32_t roflags_out);
Errno SockSend(Call& c, uint32_t fd, uint32_t si_data, uint32_t si_data_len, uint32_t si_flags, uint32_t datalen_out);
Errno SockShutdown(Call& c, uint32_t fd, uint32_t how);

}  // namespace capsule::wasi
