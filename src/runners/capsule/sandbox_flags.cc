#include "runners/capsule/sandbox_flags.h"

#include <cstdio>
#include <cstdlib>

#include "capsule/abi.h"
#include "capsule/host.h"

namespace capsule::cli {

void SandboxFlags::Register(runners::FlagSet& flags) {
  engine.Register(flags);
  policy.Register(flags);
  flags.Repeated("env", &env, "set an environment variable for the guest", "K=V");
  flags.String("timeout", &timeout, "interrupt the guest after this long (e.g. 500ms, 5s)", "DURATION");
  flags.String("max-memory", &max_memory, "cap the guest's linear memory (e.g. 64MiB)", "SIZE");
}

void PrintError(const std::string& message) {
  std::fprintf(stderr, "capsule: error: %s\n", message.c_str());
}

std::string DescribeCallError(const Error& error, const SandboxFlags& sandbox) {
  if (error.code == ErrorCode::kInterrupted && !sandbox.timeout.empty())
    return "timeout: the module ran longer than --timeout=" + sandbox.timeout + " and was interrupted";
  return std::string(error.code_name()) + ": " + error.message;
}

Result<Prepared> Prepare(const std::vector<uint8_t>& wasm, const SandboxFlags& sandbox,
                         std::vector<std::string> guest_args, bool capsule_abi,
                         std::function<void(std::string_view)> on_guest_output) {
  Prepared p;
  CompileOptions compile;
  if (!sandbox.max_memory.empty()) {
    auto pages = runners::ParseMemoryPages(sandbox.max_memory);
    if (!pages) return Fail(ErrorCode::kInvalidArgument, "--max-memory: " + pages.error().message);
    compile.max_memory_pages = *pages;
  }
  if (!sandbox.timeout.empty()) {
    auto timeout = runners::ParseDuration(sandbox.timeout);
    if (!timeout) return timeout.take_error();
    p.call_options.deadline = std::chrono::steady_clock::now() + *timeout;
  }
  auto policy = sandbox.policy.ToPolicy();
  if (!policy) return policy.take_error();
  for (const auto& kv : sandbox.env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) return Fail(ErrorCode::kInvalidArgument, "--env needs K=V, got \"" + kv + "\"");
    // A variable given with --env is meant for the guest: --env-allow does not hide it.
    if (!policy->env_allow.empty()) policy->env_allow.push_back(kv.substr(0, eq));
  }

  auto compiled = runners::CompileOnEngine(sandbox.engine.value, wasm, compile, "capsule", /*with_context=*/true);
  if (!compiled) return compiled.take_error();
  p.context = std::move(compiled->context);
  std::shared_ptr<const Module> module = compiled->module;

  auto linker = std::make_shared<Linker>();
  AddWasiToLinker(*linker);
  HostOptions host;
  // hostGetEnv sees --env first, then the process environment (as Capsule did).
  host.env = [env = sandbox.env, process = ProcessEnv()](std::string_view name) -> std::optional<std::string> {
    for (const auto& kv : env)
      if (kv.size() > name.size() && kv.compare(0, name.size(), name) == 0 && kv[name.size()] == '=')
        return kv.substr(name.size() + 1);
    return process(name);
  };
  host.policy = *policy;
  if (on_guest_output)  // what the host functions print for the guest is the guest's output too
    host.out = [out = host.out, watch = on_guest_output](std::string_view text) {
      out(text);
      watch(text);
    };
  AddCapsuleHostFunctions(*linker, host);

  WasiOptions wasi;
  wasi.args = std::move(guest_args);
  wasi.env = sandbox.env;
  wasi.on_stdio_write = on_guest_output;
  for (const auto& d : policy->dirs) wasi.preopens.push_back({d.host, d.guest});
  auto wasi_context = WasiContext::Create(wasi);
  if (!wasi_context) return wasi_context.take_error();
  p.wasi = std::move(*wasi_context);

  InstanceData data;
  data.set<WasiContext>(p.wasi.get());
  auto instance = capsule_abi ? InstantiateCapsuleModule(*p.context, module, linker, std::move(data))
                              : p.context->Instantiate(module, linker, std::move(data));
  if (!instance) return instance.take_error();
  p.instance = std::move(*instance);
  return p;
}

}  // namespace capsule::cli
