// A guest with 2 MiB of state, for the cost of restoring an instance's saved state (Instance::RestoreState).
#include <stdint.h>

#include "bench_export.h"

static uint8_t g_state[2 << 20];

// Writes one byte in each of the first `pages` 4 KiB pages of the state; returns the sum of those bytes.
BENCH_EXPORT(touch) int32_t touch(int32_t pages) {
  int32_t sum = 0;
  for (int32_t i = 0; i < pages && i < (int32_t)(sizeof g_state / 4096); ++i) sum += ++g_state[i * 4096];
  return sum;
}
