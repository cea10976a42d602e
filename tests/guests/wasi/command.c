// A small command: reads a name from stdin, greets it with $GREETING into /out/<argv[1]>, prints what it did,
// and exits with 3.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc < 2) return 1;
  char name[256] = {0};
  size_t n = fread(name, 1, sizeof name - 1, stdin);
  while (n > 0 && (name[n - 1] == '\n' || name[n - 1] == '\r')) name[--n] = 0;
  const char* greeting = getenv("GREETING");
  if (!greeting) greeting = "Hello";
  char path[512];
  snprintf(path, sizeof path, "/out/%s", argv[1]);
  FILE* f = fopen(path, "w");
  if (!f) {
    perror("fopen");
    return 2;
  }
  int written = fprintf(f, "%s, %s!\n", greeting, name);
  fclose(f);
  printf("wrote %d bytes to %s\n", written, path);
  exit(3);
}
