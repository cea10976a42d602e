// A plain WASI command: reads stdin, uses its args and env, writes a file into a preopened dir and exits 3.
// With the argument "escape" it tries to leave the preopen and reports what happened instead.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "escape") == 0) {
    const char* paths[] = {"/data/../outside.txt", "/etc/passwd", "/data/link-out/secret.txt"};
    for (int i = 0; i < 3; ++i) {
      FILE* f = fopen(paths[i], "r");
      printf("%s: %s\n", paths[i], f ? "OPENED" : strerror(errno));
      if (f) fclose(f);
    }
    return 0;
  }
  char line[256] = {0};
  if (!fgets(line, sizeof line, stdin)) strcpy(line, "(no input)\n");
  line[strcspn(line, "\n")] = 0;
  const char* who = getenv("WHO");
  printf("argc=%d argv1=%s stdin=%s WHO=%s\n", argc, argc > 1 ? argv[1] : "-", line, who ? who : "(unset)");
  FILE* out = fopen("/data/out.txt", "w");
  if (!out) {
    fprintf(stderr, "cannot write /data/out.txt: %s\n", strerror(errno));
    return 2;
  }
  fprintf(out, "%s|%s\n", line, who ? who : "");
  fclose(out);
  fprintf(stderr, "done\n");
  return 3;
}
