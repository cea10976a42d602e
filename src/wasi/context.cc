// WasiContext::Create: validates the options and builds the fd table (stdio, then preopens from fd 3).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "filestat.h"
#include "state.h"

namespace capsule {

namespace {

using wasi::Errno;
using wasi::FdEntry;
using wasi::FileType;

Status BuildList(const std::vector<std::string>& items, bool need_equals, const char* what, wasi::StringList* out) {
  for (const auto& s : items) {
    if (s.find('\0') != std::string::npos)
      return Fail(ErrorCode::kInvalidArgument, std::string(what) + " contains a NUL byte");
    if (need_equals && s.find('=') == std::string::npos)
      return Fail(ErrorCode::kInvalidArgument, std::string(what) + " entry \"" + s + "\" has no '='");
    if (out->blob.size() + s.size() + 1 > UINT32_MAX)
      return Fail(ErrorCode::kInvalidArgument, std::string(what) + " too large");
    out->offsets.push_back(static_cast<uint32_t>(out->blob.size()));
    out->blob += s;
    out->blob += '\0';
  }
  return Status::Ok();
}

Status AddStdio(wasi::WasiState& state, uint32_t guest_fd, int host_fd) {
  if (host_fd < 0) return Status::Ok();
  struct stat st;
  FdEntry entry;
  if (wasi::StatFd(host_fd, &st, &entry.type) != Errno::kSuccess)
    return Fail(ErrorCode::kInvalidArgument, "WASI stdio fd " + std::to_string(host_fd) + " is not open");
  entry.host_fd = host_fd;
  entry.owned = false;
  // The host's stdio is a stream to the guest even when it is a file: no seek, truncate, allocate or set times,
  // which would reach into the host's file (`> log.txt`) beyond the guest's own output.
  bool seekable = entry.type == FileType::kRegularFile || entry.type == FileType::kBlockDevice ||
                  entry.type == FileType::kDirectory;
  entry.rights_base = wasi::BaseRights(seekable ? FileType::kCharacterDevice : entry.type);
  entry.rights_inheriting = 0;
  if (state.fds.InsertAt(guest_fd, std::move(entry)) != Errno::kSuccess)
    return Fail(ErrorCode::kInvalidArgument, "WASI max_fds is too small for stdio");
  return Status::Ok();
}

Status AddPreopen(wasi::WasiState& state, const WasiOptions::Preopen& preopen, uint32_t guest_fd) {
  if (preopen.guest_path.empty() || preopen.guest_path.find('\0') != std::string::npos)
    return Fail(ErrorCode::kInvalidArgument, "invalid guest path for preopen \"" + preopen.host_path + "\"");
  int fd = open(preopen.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return Fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                "cannot open preopened directory \"" + preopen.host_path + "\": " + std::strerror(err));
  }
  FdEntry entry;
  entry.host_fd = fd;
  entry.type = FileType::kDirectory;
  entry.rights_base = wasi::BaseRights(FileType::kDirectory);
  entry.rights_inheriting = wasi::InheritingRights(FileType::kDirectory);
  entry.preopen = preopen.guest_path;
  if (state.fds.InsertAt(guest_fd, std::move(entry)) != Errno::kSuccess) {
    close(fd);
    return Fail(ErrorCode::kInvalidArgument, "WASI max_fds is too small for the preopened directories");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<WasiContext>> WasiContext::Create(const WasiOptions& options) {
  auto state = std::make_unique<wasi::WasiState>(options.max_fds);
  CAPSULE_RETURN_IF_ERROR(BuildList(options.args, false, "WASI argument", &state->args));
  CAPSULE_RETURN_IF_ERROR(BuildList(options.env, true, "WASI environment", &state->env));
  CAPSULE_RETURN_IF_ERROR(AddStdio(*state, 0, options.stdin_fd));
  CAPSULE_RETURN_IF_ERROR(AddStdio(*state, 1, options.stdout_fd));
  CAPSULE_RETURN_IF_ERROR(AddStdio(*state, 2, options.stderr_fd));
  uint32_t next = 3;
  for (const auto& preopen : options.preopens) CAPSULE_RETURN_IF_ERROR(AddPreopen(*state, preopen, next++));
  state->fd_changes_at_create = state->fds.changes();
  state->on_stdio_write = options.on_stdio_write;
  return std::unique_ptr<WasiContext>(std::move(state));
}

}  // namespace capsule
