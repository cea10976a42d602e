// Compiles the module named on the command line with the installed HDK and prints its export count.
#include <capsule/engine.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto engine = capsule::Engine::Create();
  if (!engine) return 1;
  auto bytes = capsule::ReadFileBytes(argv[1]);
  if (!bytes) return 1;
  auto module = (*engine)->Compile(*bytes);
  if (!module) {
    std::fprintf(stderr, "%s\n", module.error().message.c_str());
    return 1;
  }
  std::printf("exports: %zu\n", (*module)->exports().size());
  return 0;
}
