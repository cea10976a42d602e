// Waits with poll_oneoff for stdin to become readable or argv[1] milliseconds to pass, then prints each event as
// "event <userdata> type=<t> error=<e> nbytes=<n> hangup=<0|1>". userdata 1 is stdin, 2 the clock.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

int main(int argc, char** argv) {
  unsigned long long ms = argc > 1 ? strtoull(argv[1], NULL, 10) : 100;
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 1;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = 0;
  subs[1].userdata = 2;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[1].u.u.clock.timeout = ms * 1000 * 1000;
  __wasi_event_t events[2];
  __wasi_size_t n = 0;
  __wasi_errno_t err = __wasi_poll_oneoff(subs, events, 2, &n);
  if (err) {
    printf("poll_oneoff: %d\n", err);
    return 1;
  }
  for (__wasi_size_t i = 0; i < n; ++i)
    printf("event %llu type=%d error=%d nbytes=%llu hangup=%d\n", (unsigned long long)events[i].userdata,
           events[i].type, events[i].error, (unsigned long long)events[i].fd_readwrite.nbytes,
           (events[i].fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP) != 0);
  return 0;
}
