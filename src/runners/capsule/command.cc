// Entry point of the `capsule` command: `capsule run ...` runs a WASI command, `--mode=http|nats|mqtt` hands the
// command line to that runner, anything else is Capsule's CLI.
#include <string>
#include <vector>

#include "runners/capsule/cli.h"
#include "runners/common/entry_points.h"

namespace capsule::cli {

std::string VersionLine() {
  return "capsule v" CAPSULE_VERSION " (Capsule C++)";
}

}  // namespace capsule::cli

int capsule::runners::CapsuleMain(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "run") return capsule::cli::RunMain({args.begin() + 1, args.end()});
  if (auto code = capsule::cli::DispatchMode(args)) return *code;
  return capsule::cli::HandlerMain(args);
}
