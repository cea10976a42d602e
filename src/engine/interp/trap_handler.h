// Out-of-bounds accesses as faults: a SIGSEGV/SIGBUS handler that turns a fault on the guard pages of the linear
// memory the calling thread's interpreter is running on into a jump back to that call's TrapScope. Any other
// fault goes to the handler that was installed before (or the default action).
#pragma once

#include <csetjmp>
#include <cstdint>

namespace capsule::internal::interp {

// Where the running interpreter call returns to after a memory fault, and which addresses are its guest memory.
// One per thread; set by the executor around guest code only (never around host functions).
struct TrapScope {
  sigjmp_buf* jump = nullptr;  // nullptr: no guest code runs on this thread
  uintptr_t begin = 0, end = 0;
};

// The calling thread's scope.
TrapScope& CurrentTrapScope();

// Installs the handlers once per process. Idempotent and thread-safe.
void InstallTrapHandler();

}  // namespace capsule::internal::interp
