// What a WASI host function works with: the calling instance's WASI state and its linear memory, with guest
// memory access that reports bad pointers as FAULT instead of trapping.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "capsule/engine.h"
#include "capsule/memory.h"
#include "state.h"
#include "witx.h"

namespace capsule::wasi {

// The context of one WASI call. memory is nullptr when the guest has none (then every pointer is a FAULT).
struct Call {
  WasiState& wasi;
  Memory* memory;
  const Instance* instance = nullptr;  // the calling instance, asked whether a wait must end early
  bool interrupted = false;            // set by a function that gave up waiting: the call ends as kInterrupted

  // Whether a waiting function must stop now: the guest call passed its deadline or was interrupted.
  bool StopRequested() const { return instance != nullptr && instance->stop_requested(); }

  // The guest bytes [ptr, ptr + len), or kFault.
  Errno Bytes(uint32_t ptr, uint32_t len, std::span<uint8_t>* out) {
    if (!memory) return Errno::kFault;
    auto s = memory->Span(ptr, len);
    if (!s) return Errno::kFault;
    *out = *s;
    return Errno::kSuccess;
  }
  // The guest string [ptr, ptr + len), or kFault.
  Errno String(uint32_t ptr, uint32_t len, std::string_view* out) {
    std::span<uint8_t> s;
    if (Errno e = Bytes(ptr, len, &s); e != Errno::kSuccess) return e;
    *out = std::string_view(reinterpret_cast<const char*>(s.data()), s.size());
    return Errno::kSuccess;
  }
  // Copies len bytes to guest memory at ptr, or kFault (nothing written).
  Errno Store(uint32_t ptr, const void* data, uint32_t len) {
    return memory && memory->Write(ptr, data, len) ? Errno::kSuccess : Errno::kFault;
  }
  Errno StoreU32(uint32_t ptr, uint32_t v) { return Store(ptr, &v, sizeof v); }
  Errno StoreU64(uint32_t ptr, uint64_t v) { return Store(ptr, &v, sizeof v); }
  // Whether [ptr, ptr + len) is writable guest memory; checked before a side effect whose result must be stored.
  Errno CheckWritable(uint32_t ptr, uint32_t len) {
    std::span<uint8_t> s;
    return Bytes(ptr, len, &s);
  }
  // The open fd holding `rights` (see FdTable::Get).
  Errno Fd(uint32_t fd, uint64_t rights, FdEntry** out) { return wasi.fds.Get(fd, rights, out); }
};

}  // namespace capsule::wasi
