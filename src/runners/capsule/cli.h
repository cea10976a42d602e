// The `capsule` command: run a Capsule module's handler once (Capsule's CLI), or any WASI command (`capsule run`).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace capsule::cli {

// `capsule --wasm=FILE --params=...`: calls the module's callHandle and prints its answer. Returns the exit code.
int HandlerMain(const std::vector<std::string>& args);

// `capsule run FILE.wasm [--dir ...] [--env ...] [-- ARGS...]`: runs a WASI command. Returns its exit code.
int RunMain(const std::vector<std::string>& args);

// Capsule v0.3's `--mode=http|nats|mqtt`: replaces this process with capsule-http, capsule-nats or capsule-mqtt
// (found next to this executable, else on PATH) given the other arguments. Returns nullopt when args ask for no such
// mode (then the CLI serves them), or the exit code after printing why the runner could not be started.
std::optional<int> DispatchMode(const std::vector<std::string>& args);

// The version line printed by --version.
std::string VersionLine();

}  // namespace capsule::cli
