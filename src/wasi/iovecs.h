// Guest iovec arrays turned into host iovecs pointing straight into linear memory, for readv/writev.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <memory>

#include "capsule/memory.h"
#include "witx.h"

namespace capsule::wasi {

// Up to IOV_MAX host iovecs; the first kInline live on the stack, so small writes allocate nothing. A guest list
// longer than IOV_MAX is cut there (a short read or write, which POSIX allows).
class HostIovecs {
 public:
  // Translates the guest's `count` iovecs at ptr; kFault when the array or any buffer is out of bounds.
  Errno Load(Memory* memory, uint32_t ptr, uint32_t count);
  iovec* data() { return heap_ ? heap_.get() : inline_; }
  int size() const { return size_; }

 private:
  static constexpr uint32_t kInline = 16;
  iovec inline_[kInline];
  std::unique_ptr<iovec[]> heap_;
  int size_ = 0;
};

}  // namespace capsule::wasi
