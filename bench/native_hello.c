// Reference for the CLI cold-start benchmark: a native program that prints what the hello guest prints.
#include <stdio.h>

int main(int argc, char** argv) {
  const char* name = "World";
  for (int i = 1; i < argc; ++i)
    if (argv[i][0] != '-') name = argv[i];
  printf("Hello %s\n", name);
  return 0;
}
