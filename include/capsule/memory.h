/// @file
/// A bounds-checked view of an instance's linear memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "capsule/module_info.h"
#include "capsule/result.h"

namespace capsule {

/// A linear memory of a Context: an instance's (Instance::memory, Instance::GetExport) or one the host made
/// (Context::NewMemory), which instances may share. Every access is bounds-checked against the current size. There is
/// one Memory per memory of a Context, whatever path it was reached by, and its base address and size are re-read
/// lazily after each call into a guest that uses it and at each host-function entry, so a view stays correct
/// after memory.grow; a span or pointer obtained from it is valid only until the next call into a guest. It must not
/// outlive its Context.
class Memory {
 public:
  static constexpr uint64_t kPageSize = 65536;  ///< WebAssembly's page: 64 KiB

  virtual ~Memory() = default;

  /// Current size in bytes.
  size_t size() {
    Sync();
    return size_;
  }
  /// The memory's limits in pages: min is its current size, max the most it may grow to (none: 65536 pages).
  Limits limits() { return Limits{size() / kPageSize, max_pages()}; }
  /// The maximum size in pages, as declared (or capped by CompileOptions::max_memory_pages) when it was made.
  virtual std::optional<uint64_t> max_pages() = 0;
  /// Grows the memory by delta pages of zeros, as memory.grow does, and returns the old size in pages.
  /// kResourceLimit when that would pass the maximum or the host cannot allocate it.
  virtual Result<uint64_t> Grow(uint64_t delta_pages) = 0;

  /// The bytes [offset, offset + len), or kTrap "out of bounds memory access" when they do not all exist.
  Result<std::span<uint8_t>> Span(uint64_t offset, uint64_t len) {
    Sync();
    if (offset > size_ || len > size_ - offset) return OutOfBounds(offset, len);
    return std::span<uint8_t>(base_ + offset, len);
  }
  /// The bytes [offset, offset + len) as a string view (see Span).
  Result<std::string_view> String(uint64_t offset, uint64_t len) {
    auto s = Span(offset, len);
    if (!s) return s.take_error();
    return std::string_view(reinterpret_cast<const char*>(s->data()), s->size());
  }
  /// Copies len bytes out of / into memory at offset.
  Status Read(uint64_t offset, void* out, size_t len) {
    auto s = Span(offset, len);
    if (!s) return s.take_error();
    if (len) std::memcpy(out, s->data(), len);
    return Status::Ok();
  }
  /// Copies len bytes from data to offset. Errors: kTrap (out of bounds), nothing written.
  Status Write(uint64_t offset, const void* data, size_t len) {
    auto s = Span(offset, len);
    if (!s) return s.take_error();
    if (len) std::memcpy(s->data(), data, len);
    return Status::Ok();
  }
  ///@{
  /// Little-endian scalars, as the guest stores them. Errors: kTrap (out of bounds).
  Result<uint32_t> ReadU32(uint64_t offset) { return ReadScalar<uint32_t>(offset); }
  Result<uint64_t> ReadU64(uint64_t offset) { return ReadScalar<uint64_t>(offset); }
  Status WriteU32(uint64_t offset, uint32_t v) { return Write(offset, &v, sizeof v); }
  Status WriteU64(uint64_t offset, uint64_t v) { return Write(offset, &v, sizeof v); }
  Status WriteU16(uint64_t offset, uint16_t v) { return Write(offset, &v, sizeof v); }
  Status WriteU8(uint64_t offset, uint8_t v) { return Write(offset, &v, sizeof v); }
  ///@}

  /// Marks base and size as possibly changed; the backend calls it whenever the guest may have run.
  void Invalidate() { stale_ = true; }

 protected:
  /// Backend hook: the memory's current base address and size in bytes.
  virtual void Refresh(uint8_t*& base, size_t& size) = 0;

 private:
  void Sync() {
    if (stale_) {
      Refresh(base_, size_);
      stale_ = false;
    }
  }
  template <class T>
  Result<T> ReadScalar(uint64_t offset) {
    T v{};
    auto st = Read(offset, &v, sizeof v);
    if (!st) return st.take_error();
    return v;
  }
  static Error OutOfBounds(uint64_t offset, uint64_t len) {
    return Fail(ErrorCode::kTrap, "out of bounds memory access (offset " + std::to_string(offset) + ", length " +
                                      std::to_string(len) + ")");
  }

  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  bool stale_ = true;
};

}  // namespace capsule
