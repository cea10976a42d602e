// AddWasiToLinker: binds every function of functions.h to its wasi_snapshot_preview1 import, deriving the wasm
// signature from the C++ parameter types (32-bit -> i32, 64-bit -> i64; the result is always the i32 errno).
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "capsule/wasi.h"
#include "functions.h"

namespace capsule {

namespace {

using wasi::Call;
using wasi::Errno;
using wasi::WasiState;

constexpr const char* kModule = "wasi_snapshot_preview1";

template <class T>
constexpr ValType WasmType() {
  static_assert(std::is_integral_v<T> && (sizeof(T) == 4 || sizeof(T) == 8));
  return sizeof(T) == 8 ? ValType::kI64 : ValType::kI32;
}

template <class T>
T Arg(const Value& v) {
  if constexpr (sizeof(T) == 8) {
    return static_cast<T>(v.i64());
  } else {
    return static_cast<T>(v.i32());
  }
}

Error NoContext(const std::string& name) {
  return Fail(ErrorCode::kTrap, std::string(kModule) + "." + name +
                                    ": no WASI context attached to this instance "
                                    "(instance.data().set<WasiContext>(...))");
}

template <class... A, size_t... I>
Errno Invoke(Errno (*fn)(Call&, A...), Call& call, [[maybe_unused]] std::span<const Value> args,
             std::index_sequence<I...>) {
  return fn(call, Arg<A>(args[I])...);
}

template <class... A>
void Define(Linker& linker, const char* name, Errno (*fn)(Call&, A...)) {
  FuncType type{{WasmType<A>()...}, {ValType::kI32}};
  std::string fname = name;
  linker.Define(kModule, name, std::move(type),
                [fn, fname](Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
                  auto* context = caller.get<WasiContext>();
                  if (!context) return NoContext(fname);
                  Call call{*static_cast<WasiState*>(context), caller.memory(), &caller.instance()};
                  Errno e = Invoke(fn, call, args, std::index_sequence_for<A...>{});
                  if (call.interrupted)
                    return Status(Fail(ErrorCode::kInterrupted, "guest interrupted while waiting in " + fname));
                  results[0] = Value::I32(static_cast<int32_t>(e));
                  return Status::Ok();
                });
}

}  // namespace

void AddWasiToLinker(Linker& linker) {
  using namespace wasi;
  Define(linker, "args_get", ArgsGet);
  Define(linker, "args_sizes_get", ArgsSizesGet);
  Define(linker, "environ_get", EnvironGet);
  Define(linker, "environ_sizes_get", EnvironSizesGet);
  Define(linker, "clock_res_get", ClockResGet);
  Define(linker, "clock_time_get", ClockTimeGet);
  Define(linker, "fd_advise", FdAdvise);
  Define(linker, "fd_allocate", FdAllocate);
  Define(linker, "fd_close", FdClose);
  Define(linker, "fd_datasync", FdDatasync);
  Define(linker, "fd_fdstat_get", FdFdstatGet);
  Define(linker, "fd_fdstat_set_flags", FdFdstatSetFlags);
  Define(linker, "fd_fdstat_set_rights", FdFdstatSetRights);
  Define(linker, "fd_filestat_get", FdFilestatGet);
  Define(linker, "fd_filestat_set_size", FdFilestatSetSize);
  Define(linker, "fd_filestat_set_times", FdFilestatSetTimes);
  Define(linker, "fd_pread", FdPread);
  Define(linker, "fd_prestat_get", FdPrestatGet);
  Define(linker, "fd_prestat_dir_name", FdPrestatDirName);
  Define(linker, "fd_pwrite", FdPwrite);
  Define(linker, "fd_read", FdRead);
  Define(linker, "fd_readdir", FdReaddir);
  Define(linker, "fd_renumber", FdRenumber);
  Define(linker, "fd_seek", FdSeek);
  Define(linker, "fd_sync", FdSync);
  Define(linker, "fd_tell", FdTell);
  Define(linker, "fd_write", FdWrite);
  Define(linker, "path_create_directory", PathCreateDirectory);
  Define(linker, "path_filestat_get", PathFilestatGet);
  Define(linker, "path_filestat_set_times", PathFilestatSetTimes);
  Define(linker, "path_link", PathLink);
  Define(linker, "path_open", PathOpen);
  Define(linker, "path_readlink", PathReadlink);
  Define(linker, "path_remove_directory", PathRemoveDirectory);
  Define(linker, "path_rename", PathRename);
  Define(linker, "path_symlink", PathSymlink);
  Define(linker, "path_unlink_file", PathUnlinkFile);
  Define(linker, "poll_oneoff", PollOneoff);
  Define(linker, "proc_raise", ProcRaise);
  Define(linker, "sched_yield", SchedYield);
  Define(linker, "random_get", RandomGet);
  Define(linker, "sock_accept", SockAccept);
  Define(linker, "sock_recv", SockRecv);
  Define(linker, "sock_send", SockSend);
  Define(linker, "sock_shutdown", SockShutdown);

  // proc_exit unwinds the guest: the engine turns kExit into the result of the outermost call.
  linker.Define(kModule, "proc_exit", FuncType{{ValType::kI32}, {}},
                [](Caller& caller, std::span<const Value> args, std::span<Value>) -> Status {
                  if (!caller.get<WasiContext>()) return NoContext("proc_exit");
                  Error exit = Fail(ErrorCode::kExit, "proc_exit(" + std::to_string(args[0].u32()) + ")");
                  exit.exit_code = args[0].i32();
                  return exit;
                });
}

}  // namespace capsule
