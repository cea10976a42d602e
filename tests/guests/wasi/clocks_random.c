// Checks clocks, sleeping (poll_oneoff on a clock), random_get and sched_yield; prints "ok" or the failed check.
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#define CHECK(cond)                                  \
  do {                                               \
    if (!(cond)) {                                   \
      printf("FAIL line %d: %s\n", __LINE__, #cond); \
      return 1;                                      \
    }                                                \
  } while (0)

static int64_t Ns(clockid_t clock) {
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(void) {
  CHECK(Ns(CLOCK_REALTIME) > (int64_t)1600000000 * 1000000000);  // after 2020
  int64_t t0 = Ns(CLOCK_MONOTONIC);
  CHECK(t0 > 0);
  struct timespec nap = {0, 20 * 1000 * 1000};
  CHECK(nanosleep(&nap, NULL) == 0);
  int64_t t1 = Ns(CLOCK_MONOTONIC);
  CHECK(t1 - t0 >= 20 * 1000 * 1000);
  CHECK(t1 - t0 < 2000LL * 1000 * 1000);

  struct timespec res;
  CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
  CHECK(res.tv_sec == 0 && res.tv_nsec > 0);
  __wasi_timestamp_t ts;
  CHECK(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &ts) == 0);
  CHECK(__wasi_clock_time_get(99, 1, &ts) == __WASI_ERRNO_INVAL);
  CHECK(__wasi_clock_res_get(99, &ts) == __WASI_ERRNO_INVAL);

  uint8_t a[64], b[64], zero[64] = {0};
  CHECK(__wasi_random_get(a, sizeof a) == 0);
  CHECK(__wasi_random_get(b, sizeof b) == 0);
  CHECK(memcmp(a, zero, sizeof a) != 0);
  CHECK(memcmp(a, b, sizeof a) != 0);
  CHECK(__wasi_random_get((uint8_t*)0xfffffff0, 64) == __WASI_ERRNO_FAULT);
  CHECK(sched_yield() == 0);
  printf("ok\n");
  return 0;
}
