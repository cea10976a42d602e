// LinearMemory: a wasm linear memory inside a reservation of the whole 32-bit address space plus a guard, so
// that every address a load or store can form (base + u32 address + u32 offset) lies inside it: pages past the
// memory's size are PROT_NONE and an access there faults (see trap_handler.h). Its base never moves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "capsule/memory.h"
#include "capsule/result.h"

namespace capsule::internal::interp {

constexpr uint64_t kPageBytes = 65536;

class LinearMemory {
 public:
  // Reserves the address space and makes min_pages accessible (zeroed). max_pages caps Grow (at most 65536).
  // Errors: kResourceLimit when the address space or memory cannot be had.
  static Result<std::unique_ptr<LinearMemory>> Create(uint32_t min_pages, std::optional<uint32_t> max_pages);
  ~LinearMemory();
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;

  uint8_t* base() const { return base_; }
  uint64_t size() const { return pages_ * kPageBytes; }
  uint32_t pages() const { return pages_; }
  std::optional<uint32_t> max_pages() const { return max_pages_; }
  // The reserved range [begin, end): a fault there is a guest's out-of-bounds access.
  uintptr_t reservation_begin() const { return reinterpret_cast<uintptr_t>(base_); }
  uintptr_t reservation_end() const { return reinterpret_cast<uintptr_t>(base_) + kReservationBytes; }

  // memory.grow: the old size in pages, or -1 when the maximum (or the host's memory) does not allow it. Invalidates
  // the view (set_view) when the size changed.
  int32_t Grow(uint32_t delta_pages);
  // The host's view of this memory, told when its size changes.
  void set_view(Memory* view) { view_ = view; }

  // Keeps the current contents as an image (in a memfd) and maps the memory onto a private copy-on-write view
  // of it, replacing an earlier image. Errors: kResourceLimit, kInternal.
  Status SaveImage();
  // Puts the image back. The pages the guest or the host wrote (private copies, found in /proc/self/pagemap) are
  // copied back from the image when they are few (kMaxCopiedPages); otherwise, or without pagemap, the memory is
  // mapped afresh from the image, dropping every private copy at once. Copying changes no mapping, so it costs no
  // TLB shootdown across the process's threads, which made remapping slow under a multi-threaded server. Errors:
  // kInvalidArgument without an image, kResourceLimit when the memory grew since, kInternal.
  Status RestoreImage();
  bool has_image() const { return image_fd_ >= 0; }

  // 4 GiB of addresses, 4 GiB for the largest offset, and a page for an access that straddles the end.
  static constexpr uint64_t kReservationBytes = (8ull << 30) + kPageBytes;
  // RestoreImage copies back at most this many written 4 KiB pages (512 KiB); more are remapped.
  static constexpr size_t kMaxCopiedPages = 128;

 private:
  LinearMemory(uint8_t* base, uint32_t pages, std::optional<uint32_t> max)
      : base_(base), pages_(pages), max_pages_(max) {}

  uint8_t* base_;
  uint32_t pages_;
  std::optional<uint32_t> max_pages_;
  Memory* view_ = nullptr;
  // Copies back the pages written since the image was mapped; false when they are too many or pagemap cannot say.
  bool CopyBackWrittenPages();

  int image_fd_ = -1;
  uint32_t image_pages_ = 0;
  const uint8_t* image_view_ = nullptr;  // the image, mapped shared and read-only (the source of copies)
  std::vector<bool> image_zero_;         // per 4 KiB page: a hole of the image (all zero)
  std::vector<uint64_t> pagemap_;        // RestoreImage's buffer of pagemap entries
};

}  // namespace capsule::internal::interp
