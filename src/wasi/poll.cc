// poll_oneoff: waits for clock deadlines and fd readiness with ppoll(2), in slices of at most 20 ms so that a guest
// call past its deadline (or interrupted) stops waiting. Regular files and directories are always ready (as in
// POSIX poll); clocks are measured on CLOCK_MONOTONIC, realtime deadlines converted to it.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "functions.h"
#include "host_errno.h"

namespace capsule::wasi {

namespace {

constexpr uint64_t kNever = UINT64_MAX;
constexpr uint32_t kMaxSubscriptions = 1 << 16;

uint64_t NowNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return a > kNever - b ? kNever : a + b;
}

struct Subscription {
  uint64_t userdata = 0;
  uint8_t type = 0;
  Errno error = Errno::kSuccess;
  bool ready = false;          // reported without waiting (an error, or a regular file)
  uint64_t nbytes = 0;         // for a ready regular file
  uint64_t deadline = kNever;  // clocks: CLOCK_MONOTONIC ns
  int poll_index = -1;         // fds: index into the pollfd array
};

template <class T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Deadline on CLOCK_MONOTONIC for a clock subscription, or an error for clocks that cannot be waited on.
Errno ClockDeadline(const uint8_t* sub, uint64_t now_mono, uint64_t* deadline) {
  uint32_t id = Load<uint32_t>(sub + 16);
  uint64_t timeout = Load<uint64_t>(sub + 24);
  bool absolute = Load<uint16_t>(sub + 40) & kSubclockAbstime;
  if (id == kClockMonotonic) {
    *deadline = absolute ? timeout : SaturatingAdd(now_mono, timeout);
  } else if (id == kClockRealtime) {
    uint64_t now_real = NowNs(CLOCK_REALTIME);
    uint64_t wait = !absolute ? timeout : (timeout > now_real ? timeout - now_real : 0);
    *deadline = SaturatingAdd(now_mono, wait);
  } else {
    return Errno::kInval;
  }
  return Errno::kSuccess;
}

uint64_t ReadableBytes(int fd, FileType type) {
  if (type == FileType::kRegularFile) {
    struct stat st;
    off_t pos = lseek(fd, 0, SEEK_CUR);
    if (fstat(fd, &st) == 0 && pos >= 0 && st.st_size > pos) return static_cast<uint64_t>(st.st_size - pos);
    return 0;
  }
  int n = 0;
  return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? static_cast<uint64_t>(n) : 0;
}

void StoreEvent(uint8_t* out, const Subscription& s, uint64_t nbytes, uint16_t flags) {
  std::memset(out, 0, layout::kEventSize);
  std::memcpy(out, &s.userdata, 8);
  uint16_t error = static_cast<uint16_t>(s.error);
  std::memcpy(out + 8, &error, 2);
  out[10] = s.type;
  std::memcpy(out + 16, &nbytes, 8);
  std::memcpy(out + 24, &flags, 2);
}

}  // namespace

Errno PollOneoff(Call& c, uint32_t in, uint32_t out, uint32_t nsubscriptions, uint32_t nevents_out) {
  // Like poll(2) past RLIMIT_NOFILE: a bound on what a guest can make the host allocate.
  if (nsubscriptions == 0 || nsubscriptions > kMaxSubscriptions) return Errno::kInval;
  uint64_t in_size = uint64_t{nsubscriptions} * layout::kSubscriptionSize;
  uint64_t out_size = uint64_t{nsubscriptions} * layout::kEventSize;
  if (in_size > UINT32_MAX) return Errno::kFault;
  std::span<uint8_t> in_bytes, out_bytes;
  if (Errno r = c.Bytes(in, static_cast<uint32_t>(in_size), &in_bytes); r != Errno::kSuccess) return r;
  if (Errno r = c.Bytes(out, static_cast<uint32_t>(out_size), &out_bytes); r != Errno::kSuccess) return r;
  if (Errno r = c.CheckWritable(nevents_out, 4); r != Errno::kSuccess) return r;

  std::vector<Subscription> subs(nsubscriptions);
  std::vector<pollfd> pollfds;
  uint64_t now = NowNs(CLOCK_MONOTONIC);
  uint64_t earliest = kNever;
  bool any_ready = false;
  for (uint32_t i = 0; i < nsubscriptions; ++i) {
    const uint8_t* raw = in_bytes.data() + uint64_t{i} * layout::kSubscriptionSize;
    Subscription& s = subs[i];
    s.userdata = Load<uint64_t>(raw);
    s.type = raw[8];
    if (s.type == kEventClock) {
      s.error = ClockDeadline(raw, now, &s.deadline);
      if (s.error == Errno::kSuccess && s.deadline < earliest) earliest = s.deadline;
    } else if (s.type == kEventFdRead || s.type == kEventFdWrite) {
      FdEntry* e;
      s.error = c.Fd(Load<uint32_t>(raw + 16), rights::kPollFdReadwrite, &e);
      if (s.error == Errno::kSuccess) {
        if (e->type == FileType::kRegularFile || e->type == FileType::kDirectory) {
          s.ready = true;
          if (s.type == kEventFdRead) s.nbytes = ReadableBytes(e->host_fd, e->type);
        } else {
          s.poll_index = static_cast<int>(pollfds.size());
          pollfds.push_back(pollfd{e->host_fd, static_cast<short>(s.type == kEventFdRead ? POLLIN : POLLOUT), 0});
        }
      }
    } else {
      return Errno::kInval;
    }
    if (s.error != Errno::kSuccess) s.ready = true;
    any_ready |= s.ready;
  }

  // A wait lasts at most this long before the guest call's deadline or interruption is checked again.
  constexpr uint64_t kStopCheckNs = 20'000'000;
  uint32_t count = 0;
  for (;;) {
    if (!any_ready && c.StopRequested()) {
      c.interrupted = true;
      return Errno::kIntr;
    }
    uint64_t left = 0;
    if (!any_ready) left = earliest == kNever ? kStopCheckNs : (earliest > now ? earliest - now : 0);
    if (left > kStopCheckNs) left = kStopCheckNs;
    timespec wait{static_cast<time_t>(left / 1000000000u), static_cast<long>(left % 1000000000u)};
    int n = ppoll(pollfds.data(), pollfds.size(), &wait, nullptr);
    if (n < 0 && errno != EINTR) return LastErrno();
    now = NowNs(CLOCK_MONOTONIC);
    for (Subscription& s : subs) {
      uint8_t* event = out_bytes.data() + uint64_t{count} * layout::kEventSize;
      if (s.ready) {
        StoreEvent(event, s, s.nbytes, 0);
      } else if (s.type == kEventClock) {
        if (s.deadline > now) continue;
        StoreEvent(event, s, 0, 0);
      } else {
        short revents = n > 0 ? pollfds[s.poll_index].revents : 0;
        if (!revents) continue;
        if (revents & POLLNVAL)
          s.error = Errno::kBadf;
        else if ((revents & POLLERR) && !(revents & (POLLIN | POLLOUT)))
          s.error = Errno::kIo;
        uint64_t nbytes = s.type == kEventFdRead && (revents & POLLIN)
                              ? ReadableBytes(pollfds[s.poll_index].fd, FileType::kUnknown)
                              : 0;
        StoreEvent(event, s, nbytes, revents & POLLHUP ? kEventFdReadwriteHangup : 0);
      }
      ++count;
    }
    if (count > 0) break;
  }
  return c.StoreU32(nevents_out, count);
}

}  // namespace capsule::wasi
