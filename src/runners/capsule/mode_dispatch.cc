// `capsule --mode=http|nats|mqtt ...`: Capsule v0.3's single binary ran every mode; here each mode is its own runner,
// and this command hands such a command line to it unchanged (without the mode flag), so v0.3 command lines keep
// working.
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "runners/capsule/cli.h"
#include "runners/capsule/sandbox_flags.h"

namespace capsule::cli {
namespace {

namespace fs = std::filesystem;

// The value of -mode / --mode (as -mode=X, --mode=X, -mode X or --mode X) and its position(s) in args; "" when
// absent.
std::string FindMode(const std::vector<std::string>& args, size_t* first, size_t* count) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    for (const char* flag : {"--mode", "-mode"}) {
      const size_t n = std::strlen(flag);
      if (a.compare(0, n, flag) != 0) continue;
      if (a.size() > n && a[n] == '=') {
        *first = i;
        *count = 1;
        return a.substr(n + 1);
      }
      if (a.size() == n && i + 1 < args.size()) {
        *first = i;
        *count = 2;
        return args[i + 1];
      }
    }
  }
  return "";
}

// Where the runner of mode is: next to this executable (an installation), else in the build tree's sibling folder
// (src/runners/<folder>/capsule-<mode>); "" to search PATH.
std::string RunnerPath(const std::string& mode) {
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  self[n] = 0;
  const fs::path dir = fs::path(self).parent_path();
  const std::string name = "capsule-" + mode;
  std::error_code ec;
  for (const fs::path& candidate : {dir / name, dir.parent_path() / mode / name})
    if (fs::exists(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  return "";
}

}  // namespace

std::optional<int> DispatchMode(const std::vector<std::string>& args) {
  size_t first = 0, count = 0;
  const std::string mode = FindMode(args, &first, &count);
  if (mode != "http" && mode != "nats" && mode != "mqtt") return std::nullopt;  // cli, absent or unknown
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i)
    if (i < first || i >= first + count) rest.push_back(args[i]);
  const std::string name = "capsule-" + mode;
  const std::string path = RunnerPath(mode);
  std::vector<char*> argv;
  std::string program = path.empty() ? name : path;
  argv.push_back(program.data());
  for (auto& a : rest) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (path.empty())
    ::execvp(name.c_str(), argv.data());
  else
    ::execv(path.c_str(), argv.data());
  PrintError("--mode=" + mode + " runs " + name + ", which is neither next to capsule nor on PATH (" +
             std::strerror(errno) + ")");
  return 1;
}

}  // namespace capsule::cli
