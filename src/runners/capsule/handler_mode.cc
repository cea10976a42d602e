// `capsule --wasm=FILE --params=INPUT`: Capsule's CLI. Starts the module (WASI `_start`, where the MDK registers
// the handler), calls callHandle with the input and prints the answer: the payload and exit 0, or the module's
// failure message and exit 1 (both on stdout, as Capsule did). Host-side errors go to stderr with exit 1.
#include <cstdio>

#include "capsule/abi.h"
#include "capsule/loader.h"
#include "runners/capsule/cli.h"
#include "runners/capsule/sandbox_flags.h"
#include "runners/common/module_source_flags.h"

namespace capsule::cli {
namespace {

constexpr char kSynopsis[] =
    "  capsule --wasm=FILE [--params=INPUT] [flags]          call the module's handler once\n"
    "  capsule --url=URL --wasm=FILE [--params=INPUT]        download the module first, then call it\n"
    "  capsule run FILE.wasm [flags] [-- ARGS...]             run a WASI command (see capsule run --help)";

constexpr char kEpilog[] =
    "The module's answer is printed on stdout: exit 0 on success (S), 1 when the module reports a failure (F).\n"
    "Legacy (capsulemodule) modules also take their arguments as positional ARGS, joined with \"\xC2\xB2\".\n"
    "WASI shows the guest no environment variable and no directory unless --env and --dir give them. The host\n"
    "functions: hostGetEnv reads the process environment (limit it with --env-allow), hostReadFile/WriteFile\n"
    "stay inside --dir (default: the working directory), hostHTTP reaches any host unless --allow-host is given.\n";

// Calls `_start` (TinyGo and C commands register their handler there) or `_initialize` (reactors).
Status StartModule(Instance& instance, const CallOptions& options) {
  const ModuleInfo& info = instance.module().info();
  if (info.ExportsFunc("_start")) {
    auto code = RunWasiStart(instance, options);
    if (!code) return code.take_error();
    if (*code != 0)
      return Fail(ErrorCode::kExit, "the module exited with code " + std::to_string(*code) + " while starting");
    return Status::Ok();
  }
  if (info.ExportsFunc("_initialize")) {
    auto r = instance.Call("_initialize", {}, options);
    if (!r) return r.take_error();
  }
  return Status::Ok();
}

}  // namespace

int HandlerMain(const std::vector<std::string>& args) {
  std::string params, mode;
  bool version = false;
  runners::ModuleSourceFlags module;
  SandboxFlags sandbox;
  runners::FlagSet flags("capsule", kSynopsis);
  module.Register(flags);
  flags.String("params", &params, "the input given to the handler", "INPUT");
  flags.String("mode", &mode, "legacy Capsule flag; only \"cli\" is served by this command", "MODE");
  sandbox.Register(flags);
  flags.Bool("version", &version, "print the version and exit");
  flags.Epilog(kEpilog);
  if (auto exit_code = flags.ParseCommandLine(args)) return *exit_code;
  if (version) {
    std::puts(VersionLine().c_str());
    return 0;
  }
  if (!mode.empty() && mode != "cli") {
    PrintError("--mode=" + mode + " is served by capsule-" + mode + ", not by this command");
    return 2;
  }
  if (!module.given()) {
    PrintError("no module given: use --wasm=FILE or --url=URL (see capsule --help)");
    return 2;
  }

  auto bytes = LoadModule(module.ToSource());
  if (!bytes) {
    PrintError(bytes.error().message);
    return 1;
  }
  auto prepared = Prepare(*bytes, sandbox, {module.name()}, /*capsule_abi=*/true);
  if (!prepared) {
    PrintError(prepared.error().message);
    return 1;
  }
  Instance& instance = *prepared->instance;
  if (auto st = StartModule(instance, prepared->call_options); !st) {
    PrintError("starting the module failed: " + DescribeCallError(st.error(), sandbox));
    return 1;
  }

  std::string input = params;
  if (InstanceAbi(instance) == AbiKind::kLegacy && !flags.WasSet("params")) input = JoinLegacyArgs(flags.positional());
  auto reply = CallHandle(instance, input, prepared->call_options);
  std::fflush(stdout);
  if (!reply) {
    PrintError(DescribeCallError(reply.error(), sandbox));
    return reply.error().code == ErrorCode::kExit && reply.error().exit_code != 0 ? reply.error().exit_code : 1;
  }
  std::fwrite(reply->data.data(), 1, reply->data.size(), stdout);
  std::fputc('\n', stdout);
  return reply->ok ? 0 : 1;
}

}  // namespace capsule::cli
