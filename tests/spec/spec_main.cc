// spec_runner: runs WebAssembly spec scripts (.wast) on an HDK backend and reports what passed, per file.
//
//   spec_runner --backend=v8 --wast2json=/usr/bin/wast2json --out=DIR [--known-failures=FILE] [--verbose] F.wast...
//
// Each script is converted into DIR/<name>/ and run in a fresh Context. Exit status 0 when every command passed, was
// skipped (text-format modules) or failed as known-failures lists; 1 when one failed unexpectedly, a listed failure
// passed, or a script could not be converted or run; 2 for bad usage.
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "capsule/engine.h"
#include "known_failures.h"
#include "script_runner.h"
#include "wast2json.h"

namespace capsule::spec {
namespace {

struct Options {
  std::string backend = "v8";
  std::string wast2json = "wast2json";
  std::filesystem::path out = "spec-out";
  std::filesystem::path known_failures;
  bool verbose = false;
  std::vector<std::filesystem::path> scripts;
};

bool ParseArgs(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* flag) -> const char* {
      const size_t n = std::char_traits<char>::length(flag);
      return a.compare(0, n, flag) == 0 ? a.c_str() + n : nullptr;
    };
    if (const char* v = value("--backend="))
      o.backend = v;
    else if (const char* v = value("--wast2json="))
      o.wast2json = v;
    else if (const char* v = value("--out="))
      o.out = v;
    else if (const char* v = value("--known-failures="))
      o.known_failures = v;
    else if (a == "--verbose")
      o.verbose = true;
    else if (a.starts_with("--"))
      return false;
    else
      o.scripts.emplace_back(a);
  }
  return !o.scripts.empty();
}

// Counts of one script, or of all.
struct Tally {
  int commands = 0, passed = 0, failed = 0, known = 0, skipped = 0, two_trap = 0;
  void Add(const Tally& t) {
    commands += t.commands, passed += t.passed, failed += t.failed, known += t.known, skipped += t.skipped;
    two_trap += t.two_trap;
  }
  void Print(const std::string& backend, const std::string& what) const {
    std::printf(
        "%s %s: %d commands: %d passed, %d failed, %d known failures, %d skipped (text-format modules); "
        "%d traps matched through a two-trap wording\n",
        backend.c_str(), what.c_str(), commands, passed, failed, known, skipped, two_trap);
  }
};

// Runs one script; prints its failures (and, verbose, every non-pass); returns false when it did not go as
// expected.
bool RunScript(const Options& o, const std::shared_ptr<Engine>& engine, const std::filesystem::path& wast,
               const std::vector<KnownFailure>& known, Tally& total) {
  const std::string file = wast.filename().string();
  auto json_path = ConvertWast(o.wast2json, wast, o.out / wast.stem());
  if (!json_path) {
    std::printf("%s %s: %s\n", o.backend.c_str(), file.c_str(), json_path.error().message.c_str());
    return false;
  }
  std::ifstream in(*json_path);
  nlohmann::json script = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  ScriptRunner runner(engine, json_path->parent_path());
  auto results = runner.Run(script);
  if (!results) {
    std::printf("%s %s: cannot run: %s\n", o.backend.c_str(), file.c_str(), results.error().message.c_str());
    return false;
  }
  std::set<int> listed;
  for (const KnownFailure& k : known)
    if (k.backend == o.backend && k.file == file) listed.insert(k.line);
  bool as_expected = true;
  Tally t;
  for (const CommandResult& r : *results) {
    ++t.commands;
    const bool is_listed = listed.erase(r.line) > 0;
    switch (r.outcome) {
      case CommandResult::kPassed:
        ++t.passed;
        if (r.two_trap_kind) ++t.two_trap;
        if (is_listed) {
          std::printf("%s:%d: %s passed but is listed as a known failure: remove it from the list\n", file.c_str(),
                      r.line, r.type.c_str());
          as_expected = false;
        }
        break;
      case CommandResult::kSkipped:
        ++t.skipped;
        if (o.verbose) std::printf("%s:%d: %s skipped: %s\n", file.c_str(), r.line, r.type.c_str(), r.message.c_str());
        break;
      case CommandResult::kFailed:
        if (is_listed) {
          ++t.known;
        } else {
          ++t.failed;
          as_expected = false;
        }
        std::printf("%s:%d: %s %s: %s\n", file.c_str(), r.line, r.type.c_str(), is_listed ? "failed (known)" : "FAILED",
                    r.message.c_str());
        break;
    }
  }
  for (int line : listed) {
    std::printf("%s:%d: listed as a known failure, but no command is on that line\n", file.c_str(), line);
    as_expected = false;
  }
  t.Print(o.backend, file);
  total.Add(t);
  return as_expected;
}

int Main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: spec_runner --backend=NAME --wast2json=PATH --out=DIR [--known-failures=FILE] [--verbose] "
                 "FILE.wast...\n");
    return 2;
  }
  std::vector<KnownFailure> known;
  if (!o.known_failures.empty()) {
    auto list = ReadKnownFailures(o.known_failures);
    if (!list) {
      std::fprintf(stderr, "spec_runner: %s\n", list.error().message.c_str());
      return 2;
    }
    known = std::move(*list);
  }
  EngineOptions options;
  options.backend = o.backend;
  auto engine = Engine::Create(options);
  if (!engine) {
    std::fprintf(stderr, "spec_runner: %s\n", engine.error().message.c_str());
    return 2;
  }
  bool ok = true;
  Tally total;
  for (const auto& wast : o.scripts) ok = RunScript(o, *engine, wast, known, total) && ok;
  if (o.scripts.size() > 1) total.Print(o.backend, "total");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace capsule::spec

int main(int argc, char** argv) {
  return capsule::spec::Main(argc, argv);
}
