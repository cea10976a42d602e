#include "iovecs.h"

#include <climits>
#include <cstring>

namespace capsule::wasi {

Errno HostIovecs::Load(Memory* memory, uint32_t ptr, uint32_t count) {
  if (!memory) return Errno::kFault;
  auto array = memory->Span(ptr, uint64_t{count} * layout::kIovecSize);
  if (!array) return Errno::kFault;
  if (count > IOV_MAX) count = IOV_MAX;
  iovec* out = inline_;
  if (count > kInline) {
    heap_.reset(new iovec[count]);
    out = heap_.get();
  }
  const uint8_t* raw = array->data();
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf, len;
    std::memcpy(&buf, raw + i * layout::kIovecSize, 4);
    std::memcpy(&len, raw + i * layout::kIovecSize + 4, 4);
    auto span = memory->Span(buf, len);
    if (!span) return Errno::kFault;
    out[i] = iovec{span->data(), span->size()};
  }
  size_ = static_cast<int>(count);
  return Errno::kSuccess;
}

}  // namespace capsule::wasi
