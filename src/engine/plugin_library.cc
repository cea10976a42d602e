#include "engine/plugin_library.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace capsule::internal {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Candidates(const PluginSpec& spec) {
  std::vector<std::string> out;
  if (const char* env = std::getenv(spec.env_var); env && *env) out.emplace_back(env);
  if (spec.build_path) out.emplace_back(spec.build_path);
  char self[PATH_MAX];
  if (const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1); n > 0) {
    self[n] = 0;
    out.push_back((fs::path(self).parent_path().parent_path() / "lib" / "capsule" / spec.file_name).string());
  }
  if (spec.install_path) out.emplace_back(spec.install_path);
  out.emplace_back(spec.file_name);
  return out;
}

}  // namespace

Result<void*> LoadPluginEntry(const PluginSpec& spec) {
  std::string tried;
  for (const std::string& path : Candidates(spec)) {
    const bool bare = path.find('/') == std::string::npos;
    std::error_code ec;
    if (!bare && !fs::exists(path, ec)) {
      tried += "\n  " + path + ": no such file";
      continue;
    }
    void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      tried += "\n  " + path + ": " + ::dlerror();
      continue;
    }
    if (void* entry = ::dlsym(library, spec.entry)) return entry;
    return Fail(ErrorCode::kInternal, path + " has no " + spec.entry);
  }
  return Fail(ErrorCode::kNotFound,
              std::string("cannot load ") + spec.what + " (" + spec.file_name + "); tried:" + tried);
}

const Result<void*>& LazyPlugin::entry() {
  std::call_once(once_, [this] { entry_ = new Result<void*>(LoadPluginEntry(spec_)); });
  return *entry_;
}

}  // namespace capsule::internal
