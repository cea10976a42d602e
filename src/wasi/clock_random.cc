// clock_*, random_get, sched_yield and proc_raise: the functions that touch no fd.
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include <cerrno>

#include "filestat.h"
#include "functions.h"
#include "host_errno.h"

namespace capsule::wasi {

namespace {

// The process and thread CPU-time clocks both read the calling thread's CPU time: the host process is shared by
// many guests, so its CPU time would say nothing about this one (and leak the others').
Errno HostClock(uint32_t id, clockid_t* out) {
  switch (id) {
    case kClockRealtime: *out = CLOCK_REALTIME; return Errno::kSuccess;
    case kClockMonotonic: *out = CLOCK_MONOTONIC; return Errno::kSuccess;
    case kClockProcessCputime:
    case kClockThreadCputime: *out = CLOCK_THREAD_CPUTIME_ID; return Errno::kSuccess;
    default: return Errno::kInval;
  }
}

}  // namespace

Errno ClockResGet(Call& c, uint32_t id, uint32_t resolution_out) {
  clockid_t clock;
  if (Errno e = HostClock(id, &clock); e != Errno::kSuccess) return e;
  timespec ts;
  if (clock_getres(clock, &ts) != 0) return LastErrno();
  return c.StoreU64(resolution_out, ToTimestamp(ts));
}

Errno ClockTimeGet(Call& c, uint32_t id, uint64_t /*precision*/, uint32_t time_out) {
  clockid_t clock;
  if (Errno e = HostClock(id, &clock); e != Errno::kSuccess) return e;
  timespec ts;
  if (clock_gettime(clock, &ts) != 0) return LastErrno();
  return c.StoreU64(time_out, ToTimestamp(ts));
}

Errno RandomGet(Call& c, uint32_t buf, uint32_t buf_len) {
  std::span<uint8_t> out;
  if (Errno e = c.Bytes(buf, buf_len, &out); e != Errno::kSuccess) return e;
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return LastErrno();
    }
    done += static_cast<size_t>(n);
  }
  return Errno::kSuccess;
}

Errno SchedYield(Call&) {
  sched_yield();
  return Errno::kSuccess;
}

// Signals are not part of the sandbox: a guest cannot signal the host process. (wasi-libc's abort() traps with
// `unreachable` instead of raising SIGABRT.)
Errno ProcRaise(Call&, uint32_t) {
  return Errno::kNosys;
}

}  // namespace capsule::wasi
