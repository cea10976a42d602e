// DirectoryFilePolicy: the file host functions see only the granted directories; the kernel (openat2 with
// RESOLVE_BENEATH) refuses `..` and symlinks that leave a grant.
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capsule/host.h"
#include "host/group.h"

namespace capsule {
namespace {

// "/a//b/" -> "/a/b"; keeps "/" and relative names as they are otherwise.
std::string TrimSlashes(std::string path) {
  std::string out;
  for (char c : path)
    if (!(c == '/' && !out.empty() && out.back() == '/')) out += c;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// The rest of path after the directory prefix (without leading slashes), or nullopt when prefix is not a whole
// leading directory of path.
std::optional<std::string> Below(const std::string& prefix, const std::string& path) {
  if (prefix == "/") return path.substr(1);
  if (path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  if (path.size() == prefix.size()) return std::string(".");
  if (path[prefix.size()] != '/') return std::nullopt;
  size_t start = prefix.size();
  while (start < path.size() && path[start] == '/') ++start;
  return start == path.size() ? std::string(".") : path.substr(start);
}

class DirectoryPolicy final : public FilePolicy {
 public:
  explicit DirectoryPolicy(std::vector<DirGrant> dirs) {
    if (dirs.empty()) dirs.push_back({".", "."});
    for (auto& grant : dirs) {
      Grant g;
      g.host = grant.host.empty() ? "." : grant.host;
      g.guest = TrimSlashes(grant.guest.empty() ? g.host : grant.guest);
      // assign(1, '.'), not = ".": GCC 12 at -O3 reports a bogus -Wrestrict for that.
      if (g.guest.empty() || g.guest == "./") g.guest.assign(1, '.');
      if (g.guest[0] != '/') {
        // A relative guest name is the guest's working directory; it also answers to its absolute host path.
        char resolved[PATH_MAX];
        if (::realpath(g.host.c_str(), resolved)) g.alias = resolved;
        g.guest.assign(1, '.');
      }
      grants_.push_back(std::move(g));
    }
  }

  Result<int> Open(std::string_view guest_path, int flags, unsigned mode) const override {
    std::string path(guest_path);
    if (path.empty() || path.find('\0') != std::string::npos)
      return Fail(ErrorCode::kInvalidArgument, host::ErrnoText(path.empty() ? ENOENT : EINVAL));
    const Grant* grant = nullptr;
    std::string rest;
    if (path[0] != '/') {
      for (const auto& g : grants_)
        if (g.guest == ".") grant = &g;
      if (!grant) grant = &grants_.front();
      rest = path;
    } else {
      std::string clean = TrimSlashes(path);
      size_t best = 0;
      for (const auto& g : grants_) {
        for (const std::string* prefix : {&g.guest, &g.alias}) {
          if (prefix->empty() || (*prefix)[0] != '/') continue;
          auto below = Below(*prefix, clean);
          if (below && prefix->size() >= best) {
            best = prefix->size();
            grant = &g;
            rest = *below;
          }
        }
      }
      if (!grant) return Fail(ErrorCode::kInvalidArgument, "permission denied: outside the allowed directories");
    }
    int dirfd = ::open(grant->host.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) return Fail(ErrorCode::kIo, "allowed directory " + grant->host + ": " + host::ErrnoText(errno));
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = -1;
    int error = 0;
    // EAGAIN: a concurrent rename the kernel could not rule out as an escape; retrying is the documented answer.
    for (int attempt = 0; attempt < 16; ++attempt) {
      fd = ::syscall(SYS_openat2, dirfd, rest.c_str(), &how, sizeof how);
      error = errno;
      if (fd >= 0 || (error != EINTR && error != EAGAIN)) break;
    }
    ::close(dirfd);
    if (fd >= 0) return static_cast<int>(fd);
    if (error == EXDEV || error == ELOOP)
      return Fail(ErrorCode::kInvalidArgument, "permission denied: the path leaves the allowed directories");
    return Fail(ErrorCode::kIo, host::ErrnoText(error));
  }

 private:
  struct Grant {
    std::string host;
    std::string guest;  // "." or an absolute guest path
    std::string alias;  // for ".": the absolute host path
  };
  std::vector<Grant> grants_;
};

}  // namespace

std::shared_ptr<const FilePolicy> DirectoryFilePolicy(std::vector<DirGrant> dirs) {
  return std::make_shared<const DirectoryPolicy>(std::move(dirs));
}

}  // namespace capsule
