/// @file
/// WASI (wasi_snapshot_preview1) for guests: a per-instance context, the host functions, and running a command.
///
///   auto wasi = WasiContext::Create(options);            // args, env, stdio, preopened directories
///   auto linker = std::make_shared<Linker>();            // once, shared by every instance
///   AddWasiToLinker(*linker);
///   InstanceData data; data.set<WasiContext>(wasi->get());  // attach before instantiating (or at the latest
///   auto instance = context->Instantiate(module, linker, std::move(data));  // before the first call)
///   Result<int> code = RunWasiStart(**instance);         // 0, or N after proc_exit(N)
///
/// The guest sees only what the options list: nothing of the host's environment, no file outside a preopened
/// directory (no absolute paths, no `..` above a preopen, no symlink leading out: the kernel's openat2
/// RESOLVE_BENEATH enforces it), and no sockets but those it is given as stdio.
///
/// Behaviour where WASI leaves a choice (errno names are WASI's):
/// - A guest pointer or length outside linear memory returns FAULT; it never traps. Nothing is done before all
///   pointers of a call are checked, so a FAULT has no side effect.
/// - Escaping a preopen returns NOTCAPABLE, as does creating a symlink with an absolute target.
/// - Rights are tracked and enforced (NOTCAPABLE when missing); path_open may ask only for rights within the
///   directory's inheriting rights; fd_fdstat_set_rights only drops rights.
/// - A directory fd holds only rights a directory can use: never FD_SEEK, FD_TELL, FD_READ or FD_WRITE, even when
///   path_open asked for them. Opening a directory with a write right (FD_WRITE, FD_DATASYNC, FD_ALLOCATE,
///   FD_FILESTAT_SET_SIZE) returns ISDIR, with or without OFLAGS_DIRECTORY.
/// - fd_fdstat_set_flags changes APPEND and NONBLOCK on fds the guest opened; sync flags, and any change on the
///   host's stdio fds, return NOTSUP.
/// - Writing to a pipe or socket whose reader is gone returns PIPE; the host never gets SIGPIPE.
/// - fd_readdir lists "." and ".."; cookies are the kernel's directory offsets. path_readlink truncates to the
///   buffer, like POSIX readlink.
/// - poll_oneoff: regular files are always ready; clocks are realtime or monotonic (others: event error INVAL).
/// - The process and thread CPU-time clocks both measure the calling thread.
/// - proc_raise returns NOSYS; sock_* return NOTSOCK on fds that are not sockets.
/// - Blocking calls (fd_read on an empty pipe, poll_oneoff, sleeps) block the calling thread and are not cut short
///   by InterruptHandle::Interrupt: give guests non-blocking stdio when a deadline matters.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "capsule/engine.h"
#include "capsule/linker.h"
#include "capsule/result.h"

namespace capsule {

/// What a guest may see and use through WASI.
struct WasiOptions {
  /// A host directory the guest reaches under guest_path ("/data", "."), and nothing above it.
  struct Preopen {
    std::string host_path;   ///< the directory on the host
    std::string guest_path;  ///< its name for the guest
  };

  /// argv as the guest reads it, argv[0] (the program name) first. No NUL bytes.
  std::vector<std::string> args;
  /// The guest's whole environment, "KEY=VALUE" each; no host variable is passed unless listed here.
  std::vector<std::string> env;
  /// Directories the guest may use; they become guest fds 3, 4, ... in this order.
  std::vector<Preopen> preopens;
  /// Host fds behind the guest's fds 0, 1 and 2; -1 leaves that guest fd closed. Borrowed: WASI never closes them,
  /// and the guest may only read and write them as streams (no seek, truncate or flag changes, even on a file).
  /// A memfd or pipe captures output.
  int stdin_fd = 0;
  int stdout_fd = 1;  ///< behind the guest's fd 1
  int stderr_fd = 2;  ///< behind the guest's fd 2
  /// Most fds the guest may hold at once, stdio and preopens included; past it path_open returns NFILE.
  uint32_t max_fds = 1024;
  /// When set, called on the guest's thread with the bytes of every fd_write to one of the host's stdio fds above
  /// (whatever guest fd number they have by then), after the write succeeded, with what reached the fd, in order:
  /// to watch or copy what the guest prints.
  std::function<void(std::string_view bytes)> on_stdio_write;
};

/// The WASI state of one instance: its fd table (stdio, preopens, files it opened), args and environment. Owned by
/// the runner, used by one thread at a time, and kept alive while the instance it is attached to runs. It carries
/// state from run to run (fds the guest left open, file positions): give each fresh instance a fresh context.
/// Closes every host fd it opened when destroyed.
class WasiContext {
 public:
  /// Validates the options and opens the preopened directories. Errors: kInvalidArgument (NUL in an arg or env
  /// entry, env entry without '=', stdio fd that is not open, too many fds), kNotFound / kIo (a preopen that cannot
  /// be opened as a directory), naming the culprit.
  static Result<std::unique_ptr<WasiContext>> Create(const WasiOptions& options);

  virtual ~WasiContext() = default;
  WasiContext(const WasiContext&) = delete;
  WasiContext& operator=(const WasiContext&) = delete;

  /// Whether the guest opened, closed or renumbered a fd since Create. A context that is unchanged can be replaced
  /// by a new one made from the same options without the guest noticing (instance recycling relies on it).
  virtual bool FdsChanged() const = 0;

 protected:
  WasiContext() = default;
};

/// Defines all 46 functions of wasi_snapshot_preview1 in linker. Each finds its state with
/// caller.get<WasiContext>(); when the instance has none attached, the call traps with a message saying so.
/// Guest errors come back as WASI errno values (bad pointers as FAULT, escapes from a preopen as NOTCAPABLE);
/// only proc_exit (kExit) and a missing context stop the guest.
void AddWasiToLinker(Linker& linker);

/// Calls the command's `_start` export. Returns 0 when it returns, N when the guest calls proc_exit(N); kNotFound
/// when there is no `_start`; traps, interrupts and host errors as errors.
Result<int> RunWasiStart(Instance& instance, const CallOptions& options = {});

}  // namespace capsule
