// `capsule --wasm=FILE --params=INPUT`: Capsule's CLI. Starts the module (WASI `_start`, where the MDK registers
// the handler), calls callHandle (or the export --handler/--json names) with the input and prints the answer: the
// payload and exit 0, or the module's failure message and exit 1 (both on stdout, as Capsule did). Host-side
// errors go to stderr with exit 1.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "capsule/abi.h"
#include "capsule/loader.h"
#include "runners/capsule/cli.h"
#include "runners/capsule/sandbox_flags.h"
#include "runners/common/module_source_flags.h"

namespace capsule::cli {
namespace {

constexpr char kSynopsis[] =
    "  capsule --wasm=FILE [--params=INPUT] [flags]          call the module's handler once\n"
    "  capsule --json --wasm=FILE --params=JSON              call its callHandleJSON handler instead\n"
    "  capsule --url=URL --wasm=FILE [--params=INPUT]        download the module first, then call it\n"
    "  capsule run FILE.wasm [flags] [-- ARGS...]             run a WASI command (see capsule run --help)";

constexpr char kEpilog[] =
    "The module's answer is printed on stdout: exit 0 on success (S), 1 when the module reports a failure (F).\n"
    "--handler=NAME calls any export of type (i32, i32) -> i64 with the Capsule calling convention; Capsule's\n"
    "MDK exports callHandle and callHandleJSON whether or not main() registered them, so a module written with\n"
    "SetHandleJSON runs with --json (= --handler=callHandleJSON).\n"
    "Legacy (capsulemodule) modules also take their arguments as positional ARGS, joined with \"\xC2\xB2\".\n"
    "WASI shows the guest no environment variable and no directory unless --env and --dir give them. The host\n"
    "functions: hostGetEnv reads the process environment (limit it with --env-allow), hostReadFile/WriteFile\n"
    "stay inside --dir (default: the working directory), hostHTTP reaches any host unless --allow-host is given,\n"
    "through the proxy of http_proxy/https_proxy (no_proxy: the hosts reached directly), as curl does.\n";

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

// The exports a handler can be: type (i32, i32) -> i64.
std::vector<std::string> HandlerExports(const ModuleInfo& info) {
  static const FuncType kHandler{{ValType::kI32, ValType::kI32}, {ValType::kI64}};
  std::vector<std::string> names;
  for (const auto& e : info.exports)
    if (e.kind == ExternKind::kFunc && e.func_type == kHandler) names.push_back(e.name);
  return names;
}

std::string JoinNames(const std::vector<std::string>& names, std::string_view except = {}) {
  std::string out;
  for (const auto& name : names) {
    if (name == except) continue;
    if (!out.empty()) out += ", ";
    out += name;
    if (name == "callHandleJSON") out += " (--json)";
  }
  return out;
}

// What the guest printed during the handler call: whether anything, and how it began.
class OutputWatch {
 public:
  void Add(std::string_view bytes) {
    printed_ = true;
    if (head_.size() < kHead) head_.append(bytes.substr(0, kHead - head_.size()));
  }
  void Reset() {
    printed_ = false;
    head_.clear();
  }
  // Nothing printed, or only the start of a TinyGo runtime panic, which is what calling a handler that main()
  // never set prints before it traps.
  bool NothingButAPanic() const {
    constexpr std::string_view kTinyGoNilPanic = "panic: runtime error: nil pointer dereference";
    return !printed_ || std::string_view(head_).substr(0, kTinyGoNilPanic.size()) == kTinyGoNilPanic;
  }

 private:
  static constexpr size_t kHead = 64;
  bool printed_ = false;
  std::string head_;
};

// The hint after a handler that trapped before it printed anything: it may never have been registered.
std::string UnregisteredHandlerHint(const std::string& handler, const ModuleInfo& info) {
  std::string hint = handler + " trapped before it printed anything of its own: the module may not register a " +
                     "handler for " + handler + " (Capsule's MDK exports every handler whether or not main() set it); ";
  const std::string others = JoinNames(HandlerExports(info), handler);
  if (others.empty()) return hint + "it has no other handler export";
  return hint + "its other handler exports: " + others + "; pick one with --handler=NAME";
}

}  // namespace

int HandlerMain(const std::vector<std::string>& args) {
  std::string params, mode, handler = "callHandle";
  bool version = false, json = false;
  runners::ModuleSourceFlags module;
  SandboxFlags sandbox;
  runners::FlagSet flags("capsule", kSynopsis);
  module.Register(flags);
  flags.String("params", &params, "the input given to the handler", "INPUT");
  flags.String("handler", &handler, "the export to call, of type (i32, i32) -> i64", "NAME");
  flags.Bool("json", &json, "call callHandleJSON (the same as --handler=callHandleJSON)");
  flags.String("mode", &mode,
               "Capsule v0.3's mode: cli (the default), or http, nats, mqtt to run capsule-http, capsule-nats, "
               "capsule-mqtt with the same flags",
               "MODE");
  sandbox.Register(flags);
  flags.Bool("version", &version, "print the version and exit");
  flags.Epilog(kEpilog);
  if (auto exit_code = flags.ParseCommandLine(args)) return *exit_code;
  if (auto st = sandbox.engine.Check(); !st) {
    PrintError(st.error().message);
    return 2;
  }
  if (version) {
    std::puts(VersionLine().c_str());
    return 0;
  }
  if (!mode.empty() && mode != "cli") {
    PrintError("unknown --mode=" + mode + " (cli, http, nats or mqtt)");
    return 2;
  }
  if (json) {
    if (flags.WasSet("handler") && handler != "callHandleJSON") {
      PrintError("--json calls callHandleJSON: it cannot be combined with --handler=" + handler);
      return 2;
    }
    handler = "callHandleJSON";
  }
  if (handler.empty()) {
    PrintError("--handler needs the name of an export");
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
  OutputWatch output;
  auto prepared = Prepare(*bytes, sandbox, {module.name()}, /*capsule_abi=*/true,
                          [&output](std::string_view bytes) { output.Add(bytes); });
  if (!prepared) {
    PrintError(prepared.error().message);
    return 1;
  }
  Instance& instance = *prepared->instance;
  const ModuleInfo& info = instance.module().info();
  if (const ExportInfo* e = info.FindExport(handler); !e || e->kind != ExternKind::kFunc) {
    const std::string exports = JoinNames(HandlerExports(info));
    PrintError("the module has no export " + handler +
               (exports.empty() ? "; it has no handler export at all" : "; its handler exports: " + exports));
    return 1;
  }
  if (auto st = StartModule(instance, prepared->call_options); !st) {
    PrintError("starting the module failed: " + DescribeCallError(st.error(), sandbox));
    return 1;
  }

  std::string input = params;
  if (InstanceAbi(instance) == AbiKind::kLegacy && !flags.WasSet("params")) input = JoinLegacyArgs(flags.positional());
  output.Reset();
  auto reply = CallHandler(instance, handler, input, prepared->call_options);
  std::fflush(stdout);
  if (!reply) {
    PrintError(DescribeCallError(reply.error(), sandbox));
    const bool guest_trapped =  // not the host refusing what the handler returned ("bad result from ...")
        reply.error().code == ErrorCode::kTrap && reply.error().message.rfind("bad result from ", 0) != 0;
    if (guest_trapped && output.NothingButAPanic())
      std::fprintf(stderr, "capsule: hint: %s\n", UnregisteredHandlerHint(handler, info).c_str());
    return reply.error().code == ErrorCode::kExit && reply.error().exit_code != 0 ? reply.error().exit_code : 1;
  }
  std::fwrite(reply->data.data(), 1, reply->data.size(), stdout);
  std::fputc('\n', stdout);
  return reply->ok ? 0 : 1;
}

}  // namespace capsule::cli
