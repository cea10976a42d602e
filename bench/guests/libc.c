// A guest that pulls in a good part of wasi-libc (printf formatting, qsort, strtod): a bigger module for the
// compile-time benchmark. It has WASI imports, so it is only compiled, never instantiated.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_export.h"

static int CompareInts(const void* a, const void* b) {
  return *(const int*)a - *(const int*)b;
}

// Formats, parses and sorts a few numbers; returns a checksum.
BENCH_EXPORT(work) int bench_libc_work(int n) {
  char buf[128];
  int values[16];
  for (int i = 0; i < 16; ++i) values[i] = (n * 7919 + i * 104729) % 1000;
  qsort(values, 16, sizeof values[0], CompareInts);
  snprintf(buf, sizeof buf, "%d %g %s %x", values[0], (double)n / 3.0, "x", (unsigned)n);
  double d = strtod(buf + 2, NULL);
  printf("%s\n", buf);
  return (int)strlen(buf) + (int)d;
}
