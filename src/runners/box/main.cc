// `capsule-box`: every runner in one executable, the way BusyBox holds many commands. It runs the runner its name
// says (a link such as /usr/bin/capsule-http -> capsule-box), or the one its first argument names
// (`capsule-box capsule-http --wasm=...`); `capsule-box` alone lists them.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "runners/common/entry_points.h"

namespace {

struct Runner {
  const char* name;
  int (*entry)(int, char**);
};

constexpr Runner kRunners[] = {
    {"capsule", capsule::runners::CapsuleMain},          {"capsule-http", capsule::runners::CapsuleHttpMain},
    {"capsule-nats", capsule::runners::CapsuleNatsMain}, {"capsule-mqtt", capsule::runners::CapsuleMqttMain},
    {"capsctl", capsule::runners::CapsctlMain},
};

const Runner* Find(std::string_view name) {
  for (const Runner& r : kRunners)
    if (name == r.name) return &r;
  return nullptr;
}

std::string_view BaseName(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

int Usage(FILE* out) {
  std::fprintf(out, "usage: capsule-box RUNNER [ARGS...], or a link named after the runner; runners:");
  for (const Runner& r : kRunners) std::fprintf(out, " %s", r.name);
  std::fprintf(out, "\n");
  return out == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 0)
    if (const Runner* r = Find(BaseName(argv[0]))) return r->entry(argc, argv);
  if (argc < 2) return Usage(stdout);
  if (const Runner* r = Find(argv[1])) return r->entry(argc - 1, argv + 1);
  if (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") return Usage(stdout);
  std::fprintf(stderr, "capsule-box: unknown runner \"%s\"\n", argv[1]);
  return Usage(stderr);
}
