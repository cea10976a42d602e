// `capsctl --cmd=start|drop|duplicate|processes|route|unroute|apply [flags]`: the command-line client of `capsule-http
// --faas`, with the flags of Capsule's capsctl (docs/faas-capsule-go.md) and real errors: exit 0 on success, 1 when the
// front answers an error or cannot be reached, 2 for a usage error (flags, a missing CAPSULE_FAAS_TOKEN).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capsule/engine.h"
#include "runners/capsctl/commands.h"
#include "runners/common/entry_points.h"
#include "runners/common/flags.h"

namespace capsule::capsctl {
namespace {

constexpr char kSynopsis[] =
    "  capsctl --cmd=start --name=NAME [--revision=REV] --wasm=FILE [--description=TEXT] [--url=URL]\n"
    "          [--stopAfter=SECONDS] [--env='[\"K=V\"]'] [--path=PROGRAM]\n"
    "  capsctl --cmd=duplicate --name=NAME [--revision=REV] --newRevision=REV\n"
    "  capsctl --cmd=drop --name=NAME [--revision=REV] [--index=N]\n"
    "  capsctl --cmd=processes [--output=table|json]\n"
    "  capsctl --cmd=route --name=NAME --revision=REV      (blue/green: NAME's default calls go to REV)\n"
    "  capsctl --cmd=unroute --name=NAME\n"
    "  capsctl apply -f FILE      (or --cmd=apply --file=FILE: make the running functions those of FILE)";

constexpr char kEpilog[] =
    "Environment: CAPSULE_MAIN_PROCESS_URL, the front's URL (default http://localhost:8080); CAPSULE_FAAS_TOKEN,\n"
    "the token the front was started with (required), sent in the CAPSULE_FAAS_TOKEN header.\n"
    "Exit codes: 0 done; 1 the front answered an error (printed with its status) or could not be reached; 2 a\n"
    "usage error.\n";

// Prints "capsctl: error: message" on stderr; returns 2, the exit code of a usage error.
int Usage(const std::string& message) {
  std::fprintf(stderr, "capsctl: error: %s\n", message.c_str());
  return 2;
}

// The value of the environment variable name, or fallback when it is unset or empty.
std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// --env's JSON array of "K=V" strings ("" is none). kInvalidArgument otherwise.
Result<std::vector<std::string>> ParseEnv(const std::string& text) {
  std::vector<std::string> env;
  if (text.empty()) return env;
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array())
    return Fail(ErrorCode::kInvalidArgument, "--env must be a JSON array of \"K=V\" strings, e.g. '[\"K=V\"]'");
  for (const auto& item : doc) {
    if (!item.is_string() || item.get<std::string>().find('=') == std::string::npos)
      return Fail(ErrorCode::kInvalidArgument, "--env must be a JSON array of \"K=V\" strings, e.g. '[\"K=V\"]'");
    env.push_back(item.get<std::string>());
  }
  return env;
}

// --index as a replica number. kInvalidArgument unless it is a non-negative decimal number.
Result<unsigned> ParseIndex(const std::string& text) {
  char* end = nullptr;
  const unsigned long value = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || *end != '\0' || value > 1000000)
    return Fail(ErrorCode::kInvalidArgument, "--index must be a replica number (0, 1, ...), not \"" + text + "\"");
  return static_cast<unsigned>(value);
}

int Main(const std::vector<std::string>& args) {
  CtlOptions o;
  std::string env, output = "table", index, file, f, via;
  bool version = false;
  runners::FlagSet flags("capsctl", kSynopsis);
  flags.String("cmd", &o.cmd, "the command: start, drop, duplicate, processes, route, unroute or apply", "COMMAND");
  flags.String("name", &o.name, "the function's name", "NAME");
  flags.String("revision", &o.revision, "the function's revision", "REV");
  flags.String("newRevision", &o.new_revision, "duplicate: the new revision", "REV");
  flags.String("description", &o.description, "start: a description shown in the listing", "TEXT");
  flags.String("wasm", &o.wasm, "start: the module, a file of the front's --functions-dir", "FILE");
  flags.String("url", &o.url, "start: download the module from this URL (the front's --allow-module-url)", "URL");
  flags.String("stopAfter", &o.stop_after, "start: the child stops after this many idle seconds", "SECONDS");
  flags.String("env", &env, "start: the child's extra environment, a JSON array '[\"K=V\"]'", "JSON");
  flags.String("path", &o.path, "start: the program to run (only the front's own capsule-http is accepted)", "PATH");
  flags.String("via", &via,
               "start: \"children\" (capsule-http children of the front, the default) or \"nats\" (capsule-nats "
               "--faas-function workers, started elsewhere)",
               "HOW");
  flags.String("index", &index, "drop: only this replica", "N");
  flags.String("file", &file, "apply: the functions file (YAML or JSON, docs/faas.md)", "FILE");
  flags.String("f", &f, "apply: the same as --file", "FILE");
  flags.String("output", &output, "how results are printed: table or json", "FORMAT");
  flags.Bool("version", &version, "print the version and exit");
  flags.Epilog(kEpilog);
  if (auto code = flags.ParseCommandLine(args)) return *code;
  if (version) {
    std::puts("capsctl v" CAPSULE_VERSION " (Capsule C++)");
    return 0;
  }
  std::vector<std::string> positional = flags.positional();
  if (o.cmd.empty() && !positional.empty() && positional[0] == "apply") {  // `capsctl apply -f FILE`
    o.cmd = "apply";
    positional.erase(positional.begin());
  }
  if (!positional.empty()) return Usage("unexpected argument \"" + positional[0] + "\"");
  if (o.cmd.empty())
    return Usage("no command given: use --cmd=start|drop|duplicate|processes|route|unroute|apply (see capsctl --help)");
  static const std::vector<std::string> kCommands = {"start", "drop",    "duplicate", "processes",
                                                     "route", "unroute", "apply"};
  if (std::find(kCommands.begin(), kCommands.end(), o.cmd) == kCommands.end())
    return Usage("unknown command --cmd=" + o.cmd + ": use start, drop, duplicate, processes, route, unroute or apply");
  if (output == "json") {
    o.output = OutputFormat::kJson;
  } else if (output != "table") {
    return Usage("--output must be table or json, not \"" + output + "\"");
  }
  if (o.cmd != "processes" && o.cmd != "apply" && o.name.empty()) return Usage("--cmd=" + o.cmd + " needs --name=NAME");
  if (o.cmd == "route" && !flags.WasSet("revision")) return Usage("--cmd=route needs --revision=REV");
  if (o.cmd == "apply") {
    const std::string& path = file.empty() ? f : file;
    if (path.empty()) return Usage("apply needs -f FILE (or --file=FILE)");
    auto bytes = ReadFileBytes(path);
    if (!bytes) return Usage(bytes.error().message);
    o.file_text.assign(bytes->begin(), bytes->end());
  }
  if (o.revision.empty()) return Usage("--revision must not be empty");
  if (via == "nats") {
    if (!o.wasm.empty() || !o.url.empty() || !o.stop_after.empty() || !o.path.empty() || !env.empty())
      return Usage("--via=nats starts no child: leave out --wasm, --url, --stopAfter, --path and --env");
    o.via_nats = true;
  } else if (!via.empty() && via != "children") {
    return Usage("--via must be children or nats, not \"" + via + "\"");
  }
  if (o.cmd == "start" && o.wasm.empty() && !o.via_nats) return Usage("--cmd=start needs --wasm=FILE (or --via=nats)");
  if (o.cmd == "duplicate" && o.new_revision.empty()) return Usage("--cmd=duplicate needs --newRevision=REV");
  if (!index.empty()) {
    if (o.cmd != "drop") return Usage("--index is for --cmd=drop only");
    auto parsed = ParseIndex(index);
    if (!parsed) return Usage(parsed.error().message);
    o.index = *parsed;
  }
  auto parsed_env = ParseEnv(env);
  if (!parsed_env) return Usage(parsed_env.error().message);
  o.env = std::move(*parsed_env);

  const std::string token = Env("CAPSULE_FAAS_TOKEN", "");
  if (token.empty())
    return Usage("CAPSULE_FAAS_TOKEN is not set: set it to the token capsule-http --faas was started with");
  return RunCommand(o, AdminClient(Env("CAPSULE_MAIN_PROCESS_URL", "http://localhost:8080"), token));
}

}  // namespace
}  // namespace capsule::capsctl

int capsule::runners::CapsctlMain(int argc, char** argv) {
  return capsule::capsctl::Main(std::vector<std::string>(argv + 1, argv + argc));
}
