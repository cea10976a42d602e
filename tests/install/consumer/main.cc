// Compiles the module named on the command line with the installed HDK, on the default engine (CAPSULE_ENGINE or
// interp), and prints its export count and the engine's name.
#include <capsule/engine.h>

#include <cstdio>
#include <string>

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
  std::printf("exports: %zu (%s)\n", (*module)->exports().size(), std::string((*engine)->name()).c_str());
  return 0;
}
