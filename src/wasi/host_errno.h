// Translation of the host's (Linux) errno values into WASI's numbering.
#pragma once

#include "witx.h"

namespace capsule::wasi {

// The WASI errno for a host errno value; kIo for values WASI has no name for.
Errno FromHostErrno(int host_errno);

// FromHostErrno(errno), for use right after a failed system call.
Errno LastErrno();

}  // namespace capsule::wasi
