// argv[1]: "return" returns 0 from main, "trap" traps, a number N calls exit(N) (proc_exit).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc < 2 || strcmp(argv[1], "return") == 0) return 0;
  if (strcmp(argv[1], "trap") == 0) __builtin_trap();
  printf("exiting with %s\n", argv[1]);
  exit(atoi(argv[1]));
}
