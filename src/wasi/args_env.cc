// args_* and environ_*: copy the context's argument and environment lists into the guest.
#include <cstring>

#include "functions.h"

namespace capsule::wasi {

namespace {

Errno Sizes(Call& c, const StringList& list, uint32_t count_out, uint32_t size_out) {
  if (Errno e = c.CheckWritable(count_out, 4); e != Errno::kSuccess) return e;
  if (Errno e = c.CheckWritable(size_out, 4); e != Errno::kSuccess) return e;
  (void)c.StoreU32(count_out, static_cast<uint32_t>(list.offsets.size()));
  return c.StoreU32(size_out, static_cast<uint32_t>(list.blob.size()));
}

Errno Copy(Call& c, const StringList& list, uint32_t pointers, uint32_t buf) {
  std::span<uint8_t> ptrs, bytes;
  if (Errno e = c.Bytes(pointers, static_cast<uint32_t>(list.offsets.size() * 4), &ptrs); e != Errno::kSuccess)
    return e;
  if (Errno e = c.Bytes(buf, static_cast<uint32_t>(list.blob.size()), &bytes); e != Errno::kSuccess) return e;
  if (!list.blob.empty()) std::memcpy(bytes.data(), list.blob.data(), list.blob.size());
  for (size_t i = 0; i < list.offsets.size(); ++i) {
    uint32_t p = buf + list.offsets[i];
    std::memcpy(ptrs.data() + i * 4, &p, 4);
  }
  return Errno::kSuccess;
}

}  // namespace

Errno ArgsSizesGet(Call& c, uint32_t argc_out, uint32_t buf_size_out) {
  return Sizes(c, c.wasi.args, argc_out, buf_size_out);
}

Errno ArgsGet(Call& c, uint32_t argv, uint32_t argv_buf) {
  return Copy(c, c.wasi.args, argv, argv_buf);
}

Errno EnvironSizesGet(Call& c, uint32_t count_out, uint32_t buf_size_out) {
  return Sizes(c, c.wasi.env, count_out, buf_size_out);
}

Errno EnvironGet(Call& c, uint32_t environ, uint32_t environ_buf) {
  return Copy(c, c.wasi.env, environ, environ_buf);
}

}  // namespace capsule::wasi
