// The flags every mode of the CLI shares (sandbox and limits), and turning them into a ready instance.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "capsule/engine.h"
#include "capsule/wasi.h"
#include "runners/common/engine_flag.h"
#include "runners/common/flags.h"
#include "runners/common/policy_flags.h"

namespace capsule::cli {

// What the guest may use and how long it may run.
struct SandboxFlags {
  runners::EngineFlag engine;    // --engine
  runners::PolicyFlags policy;   // --dir (WASI preopens and the file host functions), --env-allow, --allow-host, ...
  std::vector<std::string> env;  // K=V
  std::string timeout;           // empty: none
  std::string max_memory;        // empty: the module's own maximum

  // Adds --engine, the shared policy flags, --env, --timeout and --max-memory to flags.
  void Register(runners::FlagSet& flags);
};

// A module instantiated with WASI and the Capsule host functions, ready to call.
struct Prepared {
  std::unique_ptr<Context> context;
  std::unique_ptr<WasiContext> wasi;
  std::unique_ptr<Instance> instance;
  CallOptions call_options;  // carries the --timeout deadline
};

// Compiles wasm, links WASI (argv = guest_args, --env, --dir) and the Capsule host functions, instantiates.
// capsule_abi: record the Capsule ABI generation of the module (handler mode). on_guest_output, when set, sees
// what the guest prints: its WASI writes to stdout and stderr (WasiOptions::on_stdio_write) and the lines the host
// functions print for it (hostPrintString, hostLogString). Errors name what failed.
Result<Prepared> Prepare(const std::vector<uint8_t>& wasm, const SandboxFlags& sandbox,
                         std::vector<std::string> guest_args, bool capsule_abi,
                         std::function<void(std::string_view)> on_guest_output = {});

// Prints "capsule: error: <message>" on stderr.
void PrintError(const std::string& message);

// Describes a failed call for the user: "trap: <message>", or for an interrupt the --timeout that caused it.
std::string DescribeCallError(const Error& error, const SandboxFlags& sandbox);

}  // namespace capsule::cli
