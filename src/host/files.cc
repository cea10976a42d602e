// hostReadFile and hostWriteFile: host files for the guest, through HostOptions::files.
#include <cerrno>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include "host/group.h"

namespace capsule {
namespace {

// Failure texts read like Go's os errors: "open hello.txt: no such file or directory".
std::string OpError(const char* op, const std::string& path, int error) {
  return std::string(op) + " " + path + ": " + host::ErrnoText(error);
}

// The host path for a guest path, or a failure text.
Result<std::string> HostPath(const HostOptions& options, const std::string& path, FileAccess access) {
  if (path.find('\0') != std::string::npos) return Fail(ErrorCode::kInvalidArgument, OpError("open", path, EINVAL));
  auto resolved = options.files->Resolve(path, access);
  if (!resolved) return Fail(resolved.error().code, "open " + path + ": " + resolved.error().message);
  return resolved;
}

int OpenRetrying(const std::string& path, int flags, mode_t mode = 0) {
  int fd;
  do fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  while (fd < 0 && errno == EINTR);
  return fd;
}

// The file's whole content, or a failure text.
Result<std::string> ReadAll(const HostOptions& options, const std::string& path) {
  auto host_path = HostPath(options, path, FileAccess::kRead);
  if (!host_path) return host_path.take_error();
  int fd = OpenRetrying(*host_path, O_RDONLY);
  if (fd < 0) return Fail(ErrorCode::kIo, OpError("open", path, errno));
  std::string content;
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      return Fail(ErrorCode::kIo, OpError("read", path, error));
    }
    if (n == 0) break;
    content.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  return content;
}

// Creates or truncates the file (mode 0644 before the umask) and writes content; Ok or a failure text.
Status WriteAll(const HostOptions& options, const std::string& path, std::string_view content) {
  auto host_path = HostPath(options, path, FileAccess::kWrite);
  if (!host_path) return host_path.take_error();
  int fd = OpenRetrying(*host_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return Fail(ErrorCode::kIo, OpError("open", path, errno));
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      return Fail(ErrorCode::kIo, OpError("write", path, error));
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  if (::close(fd) != 0) return Fail(ErrorCode::kIo, OpError("close", path, errno));
  return Status::Ok();
}

}  // namespace

void AddFilesHostFunctions(Linker& linker, const host::SharedOptions& options) {
  // (path ptr, len, retPtrPtr, retLenPtr): S+content or F+error (legacy: content or [ERR][0]:error).
  DefineCapsuleHostFunction(linker, "hostReadFile", 4, [options](Caller& caller, std::span<const uint32_t> a) {
    auto path = ReadGuestBytes(caller, a[0], a[1]);
    if (!path) return Status(path.take_error());
    AbiKind kind = InstanceAbi(caller.instance());
    auto content = ReadAll(*options, *path);
    std::string reply = content ? HostSuccess(kind, *content) : HostFailure(kind, content.error().message);
    return ReturnBytesToGuest(caller, a[2], a[3], reply);
  });

  // (path ptr, len, content ptr, len, retPtrPtr, retLenPtr): S+path or F+error (legacy: "file created" or
  // [ERR][0]:error).
  DefineCapsuleHostFunction(linker, "hostWriteFile", 6, [options](Caller& caller, std::span<const uint32_t> a) {
    auto path = ReadGuestBytes(caller, a[0], a[1]);
    if (!path) return Status(path.take_error());
    auto content = ReadGuestBytes(caller, a[2], a[3]);
    if (!content) return Status(content.take_error());
    AbiKind kind = InstanceAbi(caller.instance());
    auto written = WriteAll(*options, *path, *content);
    std::string reply;
    if (!written)
      reply = HostFailure(kind, written.error().message);
    else
      reply = HostSuccess(kind, kind == AbiKind::kLegacy ? std::string("file created") : *path);
    return ReturnBytesToGuest(caller, a[4], a[5], reply);
  });
}

}  // namespace capsule
