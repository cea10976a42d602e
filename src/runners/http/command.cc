// `capsule-http --wasm=FILE [--httpPort=PORT]`: serves a Capsule module over HTTP (Capsule's capsule-http), with
// worker threads that each run an event loop and own an engine context and a warm instance, per-request limits, host
// metrics, hot reload and graceful shutdown.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "capsule/host.h"
#include "capsule/loader.h"
#include "capsule/wasi.h"
#include "runners/common/engine_flag.h"
#include "runners/common/entry_points.h"
#include "runners/common/flags.h"
#include "runners/common/module_source_flags.h"
#include "runners/common/nats_flags.h"
#include "runners/common/policy_flags.h"
#include "runners/common/serving_flags.h"
#include "runners/http/faas_mode.h"
#include "runners/http/server.h"
#include "serve/http_guest.h"

namespace capsule::http {
namespace {

constexpr char kSynopsis[] =
    "  capsule-http --wasm=FILE [--httpPort=PORT] [flags]\n"
    "  capsule-http --url=URL --wasm=FILE [--httpPort=PORT] [flags]";

constexpr char kEpilog[] =
    "Routes: GET /health -> the module's OnHealthCheck (else {\"status\":\"ok\"}), GET /metrics -> OnMetrics (else "
    "the\n"
    "host's metrics), GET /capsule/metrics -> the host's Prometheus metrics, POST /capsule/reload (body: a path\n"
    "or URL) and POST /load-wasm-module ({\"url\"} or {\"path\"}) -> hot reload, only when the environment\n"
    "variable CAPSULE_RELOAD_TOKEN is set and the request sends it in the CAPSULE_RELOAD_TOKEN header; every\n"
    "other method and path -> the module's callHandleHTTP (legacy modules: callHandleHttp).\n"
    "Each warm instance runs _start and OnStart (legacy: OnLoad) when it is created and OnStop (legacy: OnExit)\n"
    "when the server stops; there is one warm instance per worker. A connection is served by one worker; a slow\n"
    "guest delays only its own worker's connections (bounded by --timeout). --httpPort= (empty) picks a free port.\n";

void PrintError(const std::string& message) {
  std::fprintf(stderr, "capsule-http: error: %s\n", message.c_str());
}

int Main(const std::vector<std::string>& args) {
  std::string port = "8080", host = "0.0.0.0", crt, key, stop_after, max_body = "8MiB";
  std::string parent, module_name, module_revision, functions_dir, replicas = "1", proxy_timeout = "30s", config_file,
                                                                   nats_prefix = "capsule.faas";
  runners::NatsFlags nats;
  bool faas = false;
  std::vector<std::string> allow_module_urls, allow_exec;
  bool version = false;
  runners::PolicyFlags policy_flags;
  runners::ModuleSourceFlags module;
  runners::ServingFlags serving;
  runners::EngineFlag engine_flag;
  runners::FlagSet flags("capsule-http", kSynopsis);
  module.Register(flags);
  engine_flag.Register(flags);
  flags.String("httpPort", &port, "port to listen on; empty: a free port (printed)", "PORT");
  flags.String("host", &host, "address to listen on", "ADDRESS");
  flags.String("crt", &crt, "TLS certificate chain (PEM); with --key, serve HTTPS", "FILE");
  flags.String("key", &key, "TLS private key (PEM)", "FILE");
  flags.String("stopAfter", &stop_after, "stop after this long without a request (seconds, or 500ms, 2m)", "DURATION");
  serving.Register(flags, "request");
  flags.String("max-body", &max_body, "largest request body accepted; larger gets 413", "SIZE");
  policy_flags.Register(flags);
  flags.Bool("faas", &faas,
             "FaaS mode: a front that starts functions (capsule-http children) through its admin API and proxies "
             "/functions/NAME[/REVISION] to them; needs $CAPSULE_FAAS_TOKEN (docs/faas.md)");
  flags.String("functions-dir", &functions_dir, "--faas: the directory functions' --wasm files must be in (default: .)",
               "DIR");
  flags.Repeated("allow-module-url", &allow_module_urls, "--faas: a URL prefix functions may download modules from",
                 "PREFIX");
  flags.Repeated("allow-exec", &allow_exec,
                 "--faas: another program a start may run as \"path\" (a capsule-http of another version)", "PATH");
  flags.String("replicas", &replicas, "--faas: children per function revision", "N");
  flags.String("config", &config_file,
               "--faas: a functions file (YAML or JSON) applied when the front starts (docs/faas.md)", "FILE");
  flags.String("proxy-timeout", &proxy_timeout, "--faas: longest call through the front (then 504)", "DURATION");
  nats.Register(flags, "--faas: revisions started \"via\": \"nats\" are served by capsule-nats workers through ");
  flags.String("nats-prefix", &nats_prefix,
               "--faas: the subject prefix of NATS-served revisions (PREFIX.NAME.REVISION)", "PREFIX");
  flags.String("parentEndpoint", &parent, "Capsule FaaS flag (ignored)", "URL");
  flags.String("moduleName", &module_name, "Capsule FaaS flag (ignored)", "NAME");
  flags.String("moduleRevision", &module_revision, "Capsule FaaS flag (ignored)", "REVISION");
  flags.Bool("version", &version, "print the version and exit");
  flags.Epilog(kEpilog);
  if (auto code = flags.ParseCommandLine(args)) return *code;
  if (auto st = engine_flag.Check(); !st) {
    PrintError(st.error().message);
    return 2;
  }
  if (version) {
    std::puts("capsule-http v" CAPSULE_VERSION " (Capsule C++)");
    return 0;
  }
  uint16_t listen_port = 0;  // --httpPort= (empty): a free port
  if (!port.empty()) {
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (*end != '\0' || p < 0 || p > 65535) {
      PrintError("--httpPort must be a port number, got \"" + port + "\"");
      return 2;
    }
    listen_port = static_cast<uint16_t>(p);
  }
  auto body_limit = runners::ParseSize(max_body);
  if (!body_limit) {
    PrintError("--max-body: " + body_limit.error().message);
    return 2;
  }
  if (faas) {
    if (!crt.empty() || !key.empty() || !stop_after.empty()) {
      PrintError("--faas does not serve HTTPS or stop by itself yet: drop --crt, --key and --stopAfter");
      return 2;
    }
    FaasConfig config;
    config.host = host;
    config.port = listen_port;
    config.functions_dir = functions_dir;
    config.allow_module_urls = allow_module_urls;
    config.allow_exec = allow_exec;
    char* end = nullptr;
    const long n = std::strtol(replicas.c_str(), &end, 10);
    if (*end || n < 1 || n > 64) {
      PrintError("--replicas must be a number from 1 to 64, got \"" + replicas + "\"");
      return 2;
    }
    config.replicas = static_cast<int>(n);
    auto timeout = runners::ParseDuration(proxy_timeout);
    if (!timeout) {
      PrintError("--proxy-timeout: " + timeout.error().message);
      return 2;
    }
    config.proxy_timeout = *timeout;
    config.max_body = *body_limit;
    config.index_wasm = module.wasm;
    config.config_file = config_file;
    if (!nats.server.empty()) config.nats = nats.ToOptions("capsule-http --faas");
    config.nats_prefix = nats_prefix;
    return FaasMain(config);
  }
  if (!module.given()) {
    PrintError("no module given: use --wasm=FILE or --url=URL (see capsule-http --help)");
    return 2;
  }

  ServerOptions server_options;
  server_options.host = host;
  server_options.crt = crt;
  server_options.key = key;
  server_options.access_log = serving.access_log;
  if (const char* token = std::getenv("CAPSULE_RELOAD_TOKEN")) server_options.reload_token = token;
  server_options.port = listen_port;
  server_options.max_body = *body_limit;
  auto policy = policy_flags.ToPolicy();
  if (!policy) {
    PrintError(policy.error().message);
    return 2;
  }
  auto values = serving.Parse();
  if (!values) {
    PrintError(values.error().message);
    return 2;
  }
  const bool fresh = serving.fresh_instance;
  const size_t worker_count = values->workers;
  serve::GuestSettings settings;
  settings.recycle = fresh;
  settings.timeout = values->timeout;
  settings.timeout_text = serving.timeout;
  for (const auto& d : policy->dirs) settings.preopens.push_back({d.host, d.guest});
  CompileOptions compile;
  compile.max_memory_pages = values->max_memory_pages;
  server_options.drain_limit = values->drain_timeout;
  {
    auto bad = [](const std::string& flag, const Error& e) {
      PrintError("--" + flag + ": " + e.message);
      return 2;
    };
    if (!stop_after.empty()) {
      auto d = runners::ParseDuration(stop_after);
      if (!d) return bad("stopAfter", d.error());
      server_options.stop_after = *d;
    }
  }

  auto bytes = LoadModule(module.ToSource());
  if (!bytes) {
    PrintError(bytes.error().message);
    return 1;
  }
  auto compiled = runners::CompileOnEngine(engine_flag.value, *bytes, compile, "capsule-http");
  if (!compiled) {
    PrintError(compiled.error().message);
    return 1;
  }
  const std::shared_ptr<Engine> engine = compiled->engine;
  Metrics metrics;
  serve::ModuleStore store;
  auto first = serve::MakeModuleVersion(compiled->module, module.name(), serve::HttpEntries());
  if (!first) {
    PrintError(first.error().message);
    return 1;
  }
  store.Publish(std::move(*first));

  auto linker = std::make_shared<Linker>();
  AddWasiToLinker(*linker);
  HostOptions host_options;
  host_options.policy = *policy;
  AddCapsuleHostFunctions(*linker, host_options);
  settings.linker = linker;

  serve::WorkerPool pool(engine, store, settings, metrics.instances(), fresh);
  serve::Reloader reloader(engine, store, settings, compile, serve::HttpEntries(), metrics.instances(), "capsule-http");
  if (serving.watch) {
    if (module.wasm.empty()) {
      PrintError("--watch needs --wasm");
      return 2;
    }
    reloader.Watch(module.wasm, std::chrono::milliseconds(500));
  }
  Server server(server_options, store, pool, reloader, metrics);
  if (auto st = server.Listen(); !st) {
    PrintError(st.error().message);
    return 1;
  }
  auto reason = server.Run(worker_count, [&] {
    std::printf("capsule-http: listening on %s://%s:%u (%zu workers%s)\n", crt.empty() ? "http" : "https", host.c_str(),
                server.port(), worker_count, fresh ? ", a fresh instance per request" : "");
    std::fflush(stdout);
  });
  reloader.Stop();
  if (!reason) {
    PrintError("cannot start the module: " + reason.error().message);
    return 1;
  }
  std::printf("capsule-http: stopping (%s)\n", reason->c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace capsule::http

int capsule::runners::CapsuleHttpMain(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return capsule::http::Main(std::vector<std::string>(argv + 1, argv + argc));
}
