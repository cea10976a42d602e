#include "runners/http/faas_mode.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "capsule/engine.h"
#include "faas/front.h"
#include "faas/supervisor.h"

namespace capsule::http {
namespace {

void PrintError(const std::string& message) {
  std::fprintf(stderr, "capsule-http: error: %s\n", message.c_str());
}

// The program the front starts its children with (capsule-http), or "" after printing why there is none: this
// executable, or the capsule-http link next to it when this is the multi-call capsule-box (src/runners/box), which
// runs the runner its argv[0] names.
std::string ChildProgram() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::canonical("/proc/self/exe", ec);
  if (ec) {
    PrintError("cannot find this program's path: " + ec.message());
    return "";
  }
  if (self.filename() == "capsule-http") return self.string();
  const fs::path link = self.parent_path() / "capsule-http";
  if (fs::equivalent(link, self, ec) && !ec) return link.string();
  if (self.filename() == "capsule-box") {
    PrintError("--faas runs its functions as capsule-http: put a link named capsule-http to " + self.string() +
               " next to it");
    return "";
  }
  return self.string();  // a capsule-http under another name
}

}  // namespace

int FaasMain(const FaasConfig& config) {
  const char* token = std::getenv("CAPSULE_FAAS_TOKEN");
  if (!token || !*token) {
    PrintError(
        "--faas needs the environment variable CAPSULE_FAAS_TOKEN: the admin API starts programs, it never runs "
        "without a token");
    return 2;
  }
  const std::string self = ChildProgram();
  if (self.empty()) return 1;
  faas::SupervisorOptions supervision;
  supervision.binary = self;
  faas::Supervisor supervisor(supervision);

  faas::FrontOptions options;
  options.host = config.host;
  options.port = config.port;
  options.token = token;
  options.capsule_http_path = self;
  options.functions_dir = config.functions_dir;
  options.allow_module_urls = config.allow_module_urls;
  options.allow_exec = config.allow_exec;
  options.replicas = config.replicas;
  options.max_body = config.max_body;
  options.proxy.timeout = config.proxy_timeout;
  options.nats = config.nats;
  options.nats_prefix = config.nats_prefix;
  // Keep as many idle connections per child as calls usually run at once: with fewer, every burst above the bound
  // closes connections and opens new ones (connect churn cost the front a fifth of its throughput under wrk -c32).
  options.proxy.max_idle_per_upstream = 256;
  faas::Front front(options, supervisor);
  if (auto st = front.Listen(); !st) {
    PrintError(st.error().message);
    return 1;
  }
  if (!config.index_wasm.empty()) {
    std::error_code ec;
    const std::string wasm = std::filesystem::absolute(config.index_wasm, ec).string();
    auto st = supervisor.Start({"index.page", "default"}, config.replicas, {"--wasm=" + wasm});
    if (!st) {
      PrintError("cannot start --wasm as index.page: " + st.error().message);
      return 1;
    }
  }
  if (!config.config_file.empty()) {
    auto text = ReadFileBytes(config.config_file);
    Status st = text ? front.ApplyFile(std::string(text->begin(), text->end())) : Status(text.take_error());
    if (!st) {
      PrintError(config.config_file + ": " + st.error().message);
      supervisor.StopAll();
      return 1;
    }
  }
  if (config.nats)
    std::printf(
        "capsule-http: revisions started \"via\": \"nats\" go to capsule-nats workers on %s.NAME.REVISION at %s\n",
        config.nats_prefix.c_str(), config.nats->url.c_str());
  std::printf("capsule-http: faas front listening on http://%s:%u (%d replica%s per revision)\n", config.host.c_str(),
              front.port(), config.replicas, config.replicas == 1 ? "" : "s");
  std::fflush(stdout);
  const std::string reason = front.Run();
  std::printf("capsule-http: stopping (%s): stopping the functions\n", reason.c_str());
  std::fflush(stdout);
  supervisor.StopAll();
  return 0;
}

}  // namespace capsule::http
