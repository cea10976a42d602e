#include "engine/interp/linear_memory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace capsule::internal::interp {
namespace {

constexpr uint32_t kMaxPages = 65536;
constexpr size_t kImageChunk = 4096;  // an OS page

// /proc/self/pagemap, opened once: one 64-bit entry per virtual page (bit 63 present, 62 swapped, 61 file page or
// shared). -1 when the kernel does not offer it.
int PagemapFd() {
  static const int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  return fd;
}

bool AllZero(const uint8_t* p, size_t n) {
  uint64_t acc = 0;
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v;
    std::memcpy(&v, p + i, 8);
    acc |= v;
  }
  return acc == 0;
}

}  // namespace

Result<std::unique_ptr<LinearMemory>> LinearMemory::Create(uint32_t min_pages, std::optional<uint32_t> max_pages) {
  if (min_pages > kMaxPages) return Fail(ErrorCode::kResourceLimit, "memory larger than 4 GiB");
  void* p = mmap(nullptr, kReservationBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return Fail(ErrorCode::kResourceLimit, "cannot reserve address space for a linear memory");
  auto* base = static_cast<uint8_t*>(p);
  if (min_pages && mprotect(base, min_pages * kPageBytes, PROT_READ | PROT_WRITE) != 0) {
    munmap(p, kReservationBytes);
    return Fail(ErrorCode::kResourceLimit, "cannot allocate " + std::to_string(min_pages) + " pages of memory");
  }
  return std::unique_ptr<LinearMemory>(new LinearMemory(base, min_pages, max_pages));
}

LinearMemory::~LinearMemory() {
  munmap(base_, kReservationBytes);
  if (image_view_) munmap(const_cast<uint8_t*>(image_view_), image_pages_ * kPageBytes);
  if (image_fd_ >= 0) close(image_fd_);
}

int32_t LinearMemory::Grow(uint32_t delta) {
  const uint32_t old = pages_;
  const uint64_t limit = max_pages_ ? *max_pages_ : kMaxPages;
  if (uint64_t{old} + delta > limit) return -1;
  if (delta == 0) return static_cast<int32_t>(old);
  if (mprotect(base_ + old * kPageBytes, uint64_t{delta} * kPageBytes, PROT_READ | PROT_WRITE) != 0) return -1;
  pages_ = old + delta;
  if (view_) view_->Invalidate();
  return static_cast<int32_t>(old);
}

Status LinearMemory::SaveImage() {
  const int fd = memfd_create("capsule-interp-memory", MFD_CLOEXEC);
  if (fd < 0) return Fail(ErrorCode::kResourceLimit, std::string("memfd_create: ") + strerror(errno));
  const uint64_t bytes = size();
  if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    close(fd);
    return Fail(ErrorCode::kResourceLimit, std::string("cannot size the memory image: ") + strerror(errno));
  }
  // Zero chunks stay holes of the file: a mostly empty memory costs little.
  std::vector<bool> zero(bytes / kImageChunk);
  for (uint64_t off = 0; off < bytes; off += kImageChunk) {
    if (AllZero(base_ + off, kImageChunk)) {
      zero[off / kImageChunk] = true;
      continue;
    }
    if (pwrite(fd, base_ + off, kImageChunk, static_cast<off_t>(off)) != static_cast<ssize_t>(kImageChunk)) {
      close(fd);
      return Fail(ErrorCode::kResourceLimit, std::string("cannot write the memory image: ") + strerror(errno));
    }
  }
  void* view = bytes ? mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0) : nullptr;
  if (view == MAP_FAILED ||
      (bytes && mmap(base_, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED)) {
    if (view && view != MAP_FAILED) munmap(view, bytes);
    close(fd);
    return Fail(ErrorCode::kInternal, std::string("cannot map the memory image: ") + strerror(errno));
  }
  if (image_view_) munmap(const_cast<uint8_t*>(image_view_), image_pages_ * kPageBytes);
  if (image_fd_ >= 0) close(image_fd_);
  image_fd_ = fd;
  image_pages_ = pages_;
  image_view_ = static_cast<const uint8_t*>(view);
  image_zero_ = std::move(zero);
  return Status::Ok();
}

bool LinearMemory::CopyBackWrittenPages() {
  const int fd = PagemapFd();
  if (fd < 0 || !image_view_) return false;
  const size_t count = size() / kImageChunk;
  pagemap_.resize(count);
  const off_t at = static_cast<off_t>(reinterpret_cast<uintptr_t>(base_) / kImageChunk * sizeof(uint64_t));
  const ssize_t want = static_cast<ssize_t>(count * sizeof(uint64_t));
  if (pread(fd, pagemap_.data(), static_cast<size_t>(want), at) != want) return false;
  constexpr uint64_t kPresent = 1ull << 63, kSwapped = 1ull << 62, kFilePage = 1ull << 61;
  size_t written = 0;
  for (uint64_t e : pagemap_) {  // a private copy: present and not the file's page, or swapped out
    if (((e & kPresent) && !(e & kFilePage)) || (e & kSwapped)) {
      if (++written > kMaxCopiedPages) return false;
    }
  }
  for (size_t i = 0; i < count && written; ++i) {
    const uint64_t e = pagemap_[i];
    if (!(((e & kPresent) && !(e & kFilePage)) || (e & kSwapped))) continue;
    uint8_t* page = base_ + i * kImageChunk;
    if (image_zero_[i])
      std::memset(page, 0, kImageChunk);
    else
      std::memcpy(page, image_view_ + i * kImageChunk, kImageChunk);
    --written;
  }
  return true;
}

Status LinearMemory::RestoreImage() {
  if (image_fd_ < 0) return Fail(ErrorCode::kInvalidArgument, "no memory image to restore");
  if (pages_ != image_pages_) return Fail(ErrorCode::kResourceLimit, "the memory grew since the state was saved");
  const uint64_t bytes = size();
  if (bytes == 0 || CopyBackWrittenPages()) return Status::Ok();
  if (mmap(base_, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, image_fd_, 0) == MAP_FAILED)
    return Fail(ErrorCode::kInternal, std::string("cannot map the memory image: ") + strerror(errno));
  return Status::Ok();
}

}  // namespace capsule::internal::interp
