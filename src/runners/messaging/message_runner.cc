#include "runners/messaging/message_runner.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "capsule/loader.h"
#include "capsule/wasi.h"
#include "serve/admin_server.h"
#include "serve/http_guest.h"
#include "serve/reloader.h"

namespace capsule::runners {
namespace {

// SIGINT and SIGTERM, blocked in every thread (all start after this) and taken by sigwait in the main thread.
sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void PrintRunnerError(const std::string& program, const std::string& message) {
  std::fprintf(stderr, "%s: error: %s\n", program.c_str(), message.c_str());
}

void RegisterMessageRunnerFlags(FlagSet& flags, MessageRunnerConfig& config) {
  config.module.Register(flags);
  config.engine.Register(flags);
  config.serving.Register(flags, "message");
  flags.String("max-payload", &config.max_payload,
               "largest message handed to the module; a larger one is rejected (an error reply, or a dead letter)",
               "SIZE");
  flags.String("metrics-port", &config.metrics_port,
               "serve GET /metrics (Prometheus), GET /health and the reload routes on this port (0: a free one, "
               "printed; default: none)",
               "PORT");
  flags.String("metrics-host", &config.metrics_host, "address of the metrics endpoint", "ADDRESS");
  config.policy.Register(flags);
}

int RunMessageRunner(MessageRunnerConfig& config) {
  const std::string& program = config.program;
  auto fail = [&](const std::string& message, int code) {
    PrintRunnerError(program, message);
    return code;
  };
  if (!config.module.given()) return fail("no module given: use --wasm=FILE or --url=URL (see --help)", 2);
  if (auto st = config.engine.Check(); !st) return fail(st.error().message, 2);
  auto policy = config.policy.ToPolicy();
  if (!policy) return fail(policy.error().message, 2);
  auto values = config.serving.Parse();
  if (!values) return fail(values.error().message, 2);
  serve::MessageLimits limits;
  limits.access_log = config.serving.access_log;
  if (!config.max_payload.empty()) {
    auto size = ParseSize(config.max_payload);
    if (!size) return fail("--max-payload: " + size.error().message, 2);
    limits.max_payload = *size;
  }
  std::optional<uint16_t> metrics_port;
  if (!config.metrics_port.empty()) {
    char* end = nullptr;
    long p = std::strtol(config.metrics_port.c_str(), &end, 10);
    if (*end != '\0' || p < 0 || p > 65535)
      return fail("--metrics-port must be a port number, got \"" + config.metrics_port + "\"", 2);
    metrics_port = static_cast<uint16_t>(p);
  }
  if (config.serving.watch && config.module.wasm.empty()) return fail("--watch needs --wasm", 2);

  const sigset_t stop_signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto bytes = LoadModule(config.module.ToSource());
  if (!bytes) return fail(bytes.error().message, 1);
  CompileOptions compile;
  compile.max_memory_pages = values->max_memory_pages;
  const serve::Entries entries = config.http ? serve::HttpEntries() : serve::MessageEntries(config.protocol);
  auto compiled = CompileOnEngine(config.engine.value, *bytes, compile, program);
  if (!compiled) return fail(compiled.error().message, 1);
  const std::shared_ptr<Engine> engine = compiled->engine;
  auto first = serve::MakeModuleVersion(compiled->module, config.module.name(), entries);
  if (!first) return fail(first.error().message, 1);
  serve::ModuleStore store;
  store.Publish(std::move(*first));

  serve::MessageMetrics metrics(std::string(program == "capsule-mqtt" ? "capsule_mqtt" : "capsule_nats"));
  auto source = config.connect(metrics);
  if (!source) return fail(source.error().message, 1);
  metrics.SetConnected(true);

  auto linker = std::make_shared<Linker>();
  AddWasiToLinker(*linker);
  HostOptions host;
  host.policy = *policy;
  host.broker = (*source)->broker();
  AddCapsuleHostFunctions(*linker, host);
  serve::GuestSettings settings;
  settings.linker = linker;
  settings.recycle = config.serving.fresh_instance;
  settings.timeout = values->timeout;
  settings.timeout_text = config.serving.timeout;
  for (const auto& d : policy->dirs) settings.preopens.push_back({d.host, d.guest});

  serve::WorkerPool pool(engine, store, settings, metrics.instances(), config.serving.fresh_instance);
  serve::Reloader reloader(engine, store, settings, compile, entries, metrics.instances(), program);
  if (config.serving.watch) reloader.Watch(config.module.wasm, std::chrono::milliseconds(500));
  std::unique_ptr<serve::AdminServer> admin;
  if (metrics_port) {
    serve::AdminRoutes routes;
    routes.metrics = [&metrics] { return metrics.Render(); };
    MessageSource* src = source->get();
    routes.health = [src]() -> std::pair<int, std::string> {
      if (src->connected()) return {200, "{\"status\":\"ok\",\"broker\":\"connected\"}"};
      return {503, "{\"status\":\"unavailable\",\"broker\":\"disconnected\"}"};
    };
    routes.reloader = &reloader;
    if (const char* token = std::getenv("CAPSULE_RELOAD_TOKEN")) routes.reload_token = token;
    routes.program = program;
    auto started = serve::AdminServer::Start(config.metrics_host, *metrics_port, std::move(routes));
    if (!started) return fail(started.error().message, 1);
    admin = std::move(*started);
  }

  if (auto st = (*source)->Subscribe(values->workers); !st) return fail(st.error().message, 1);
  MessageSource& src = **source;
  if (auto st = pool.Start(values->workers, [&](size_t index) { src.Serve(index, pool, limits); }); !st)
    return fail("cannot start the module: " + st.error().message, 1);
  std::printf("%s (%zu workers%s)\n", config.started_line().c_str(), values->workers,
              config.serving.fresh_instance ? ", a fresh instance per message" : "");
  if (admin)
    std::printf("%s: metrics on http://%s:%u/metrics\n", program.c_str(), config.metrics_host.c_str(), admin->port());
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::printf("%s: stopping (%s): draining\n", program.c_str(), signal == SIGINT ? "SIGINT" : "SIGTERM");
  std::fflush(stdout);
  src.Stop();
  // The drain may take at most --drain-timeout: then the source stops taking messages and the guests still
  // running are interrupted.
  std::mutex mu;
  std::condition_variable cv;
  bool joined = false;
  std::thread drain_watch([&] {
    std::unique_lock lock(mu);
    if (cv.wait_for(lock, values->drain_timeout, [&] { return joined; })) return;
    std::fprintf(stderr, "%s: messages still in flight after --drain-timeout: interrupting them\n", program.c_str());
    src.Abort();
    pool.InterruptAll();
  });
  pool.Join();
  {
    std::lock_guard lock(mu);
    joined = true;
  }
  cv.notify_all();
  drain_watch.join();
  reloader.Stop();
  src.Close();
  std::printf("%s: stopped\n", program.c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace capsule::runners
