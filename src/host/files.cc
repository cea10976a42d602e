// hostReadFile and hostWriteFile: host files for the guest, through HostOptions::files or policy.dirs.
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

// Opens the guest's path through the file policy; the failure text reads "open <path>: <reason>". O_NONBLOCK: a
// FIFO in an allowed directory gives an error instead of blocking the guest forever (regular files ignore it).
Result<int> OpenGuestFile(const FilePolicy& files, const std::string& path, int flags) {
  auto fd = files.Open(path, flags | O_NONBLOCK, 0644);
  if (!fd) return Fail(fd.error().code, "open " + path + ": " + fd.error().message);
  return fd;
}

// The file's whole content, or a failure text.
Result<std::string> ReadAll(const FilePolicy& files, const std::string& path) {
  auto opened = OpenGuestFile(files, path, O_RDONLY);
  if (!opened) return opened.take_error();
  int fd = *opened;
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
Status WriteAll(const FilePolicy& files, const std::string& path, std::string_view content) {
  auto opened = OpenGuestFile(files, path, O_WRONLY | O_CREAT | O_TRUNC);
  if (!opened) return opened.take_error();
  int fd = *opened;
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
  std::shared_ptr<const FilePolicy> files = options->files ? options->files : DirectoryFilePolicy(options->policy.dirs);
  // (path ptr, len, retPtrPtr, retLenPtr): S+content or F+error (legacy: content or [ERR][0]:error).
  DefineCapsuleHostFunction(linker, "hostReadFile", 4, [files](Caller& caller, std::span<const uint32_t> a) {
    auto path = ReadGuestBytes(caller, a[0], a[1]);
    if (!path) return Status(path.take_error());
    AbiKind kind = InstanceAbi(caller.instance());
    auto content = ReadAll(*files, *path);
    std::string reply = content ? HostSuccess(kind, *content) : HostFailure(kind, content.error().message);
    return ReturnBytesToGuest(caller, a[2], a[3], reply);
  });

  // (path ptr, len, content ptr, len, retPtrPtr, retLenPtr): S+path or F+error (legacy: "file created" or
  // [ERR][0]:error).
  DefineCapsuleHostFunction(linker, "hostWriteFile", 6, [files](Caller& caller, std::span<const uint32_t> a) {
    auto path = ReadGuestBytes(caller, a[0], a[1]);
    if (!path) return Status(path.take_error());
    auto content = ReadGuestBytes(caller, a[2], a[3]);
    if (!content) return Status(content.take_error());
    AbiKind kind = InstanceAbi(caller.instance());
    auto written = WriteAll(*files, *path, *content);
    std::string reply;
    if (!written)
      reply = HostFailure(kind, written.error().message);
    else
      reply = HostSuccess(kind, kind == AbiKind::kLegacy ? std::string("file created") : *path);
    return ReturnBytesToGuest(caller, a[4], a[5], reply);
  });
}

}  // namespace capsule
