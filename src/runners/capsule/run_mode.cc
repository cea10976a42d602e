// `capsule run FILE.wasm [--dir HOST[:GUEST]] [--env K=V] [-- ARGS...]`: runs a WASI command with the terminal's
// stdin, stdout and stderr; the guest's exit code becomes ours.
#include <cstdio>

#include "capsule/loader.h"
#include "runners/capsule/cli.h"
#include "runners/capsule/sandbox_flags.h"

namespace capsule::cli {
namespace {

constexpr char kSynopsis[] = "  capsule run FILE.wasm [--dir HOST[:GUEST]]... [--env K=V]... [-- ARGS...]";

constexpr char kEpilog[] =
    "Runs a WebAssembly command (a module exporting _start) like wasmtime would. The guest sees only the\n"
    "directories given with --dir and the variables given with --env. Exit status: the guest's exit code; 134\n"
    "when the guest traps; 124 when --timeout interrupts it; 1 when the module cannot be loaded or linked.\n"
    "Arguments after FILE that start with '-' must follow `--`.\n";

}  // namespace

int RunMain(const std::vector<std::string>& args) {
  SandboxFlags sandbox;
  runners::FlagSet flags("capsule run", kSynopsis);
  sandbox.Register(flags);
  flags.Epilog(kEpilog);
  if (auto exit_code = flags.ParseCommandLine(args)) return *exit_code;
  if (auto st = sandbox.engine.Check(); !st) {
    PrintError(st.error().message);
    return 2;
  }
  if (flags.positional().empty()) {
    PrintError("capsule run needs a module: capsule run FILE.wasm [-- ARGS...]");
    return 2;
  }
  const std::string& file = flags.positional()[0];
  ModuleSource source;
  source.path = file;
  auto bytes = LoadModule(source);
  if (!bytes) {
    PrintError(bytes.error().message);
    return 1;
  }
  std::vector<std::string> guest_args(flags.positional().begin(), flags.positional().end());
  auto prepared = Prepare(*bytes, sandbox, guest_args, /*capsule_abi=*/false);
  if (!prepared) {
    PrintError(prepared.error().message);
    return 1;
  }
  if (!prepared->instance->module().info().ExportsFunc("_start")) {
    PrintError(file + " is not a WASI command: it exports no _start function");
    return 1;
  }
  auto code = RunWasiStart(*prepared->instance, prepared->call_options);
  std::fflush(stdout);
  if (code) return *code;
  const Error& e = code.error();
  PrintError(DescribeCallError(e, sandbox));
  switch (e.code) {
    case ErrorCode::kTrap: return 134;
    case ErrorCode::kInterrupted: return 124;
    default: return 1;
  }
}

}  // namespace capsule::cli
