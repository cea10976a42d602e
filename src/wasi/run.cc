// RunWasiStart: runs a WASI command and turns proc_exit into its exit code.
#include "capsule/wasi.h"

namespace capsule {

Result<int> RunWasiStart(Instance& instance, const CallOptions& options) {
  auto start = instance.GetFunc("_start");
  if (!start) return start.take_error();
  Status status = instance.Call(*start, {}, {}, options);
  if (status.ok()) return 0;
  Error error = status.take_error();
  if (error.code == ErrorCode::kExit) return error.exit_code;
  return error;
}

}  // namespace capsule
