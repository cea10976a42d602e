// Host file metadata in WASI's terms: file types, the 64-byte filestat, and timestamps.
#pragma once

#include <sys/stat.h>
#include <time.h>

#include <cstdint>

#include "witx.h"

namespace capsule::wasi {

// The WASI file type of a host file mode (a FIFO is kUnknown, as in wasmtime).
FileType FileTypeOfMode(mode_t mode);
// The WASI file type of an open host fd (telling stream from datagram sockets); fills *st. kBadf etc. on failure.
Errno StatFd(int fd, struct stat* st, FileType* type);
// Writes the filestat layout (layout::kFilestatSize bytes) of st into out.
void EncodeFilestat(const struct stat& st, FileType type, uint8_t* out);
// Nanoseconds since the epoch; times before it read as 0.
uint64_t ToTimestamp(const timespec& ts);
// The utimensat(2) times for a WASI set_times call; kInval when a time is both given and "now".
Errno TimesFromFst(uint64_t atim, uint64_t mtim, uint16_t fst_flags, timespec out[2]);

}  // namespace capsule::wasi
