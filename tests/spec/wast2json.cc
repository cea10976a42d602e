// ConvertWast: one wast2json process, its output captured in a log file beside the JSON.
#include "wast2json.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace capsule::spec {

Result<std::filesystem::path> ConvertWast(const std::string& tool, const std::filesystem::path& wast,
                                          const std::filesystem::path& out_dir) {
  std::error_code ec;
  std::filesystem::remove_all(out_dir, ec);
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot create " + out_dir.string() + ": " + ec.message());
  const std::filesystem::path json = out_dir / (wast.stem().string() + ".json");
  const std::filesystem::path log = out_dir / "wast2json.log";

  std::vector<std::string> args = {tool, "--enable-all", wast.string(), "-o", json.string()};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, tool.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return Fail(ErrorCode::kIo, "cannot run " + tool + ": " + std::strerror(spawned));
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream in(log);
    std::stringstream output;
    output << in.rdbuf();
    return Fail(ErrorCode::kIo, tool + " failed on " + wast.string() + ":\n" + output.str());
  }
  return json;
}

}  // namespace capsule::spec
