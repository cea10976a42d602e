// The guest's file descriptor table: guest fd numbers mapped to host fds, with their WASI type and rights.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "witx.h"

namespace capsule::wasi {

// One open guest fd.
struct FdEntry {
  int host_fd = -1;
  bool owned = true;  // the table closes host_fd; false for the host's borrowed stdio fds
  FileType type = FileType::kUnknown;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  std::optional<std::string> preopen;  // the guest path, when this fd is a preopened directory
};

// The WASI rights a fd of that type starts with (base) and hands to what is opened through it (inheriting).
uint64_t BaseRights(FileType type);
uint64_t InheritingRights(FileType type);

// Guest fd number -> FdEntry. Allocates the lowest free number, like POSIX. Closes the owned host fds it holds
// when destroyed. Not thread-safe.
class FdTable {
 public:
  explicit FdTable(uint32_t max_fds) : max_fds_(max_fds) {}
  ~FdTable();
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  // Stores entry under the lowest free number, written to *fd. kNfile when max_fds are open (entry untouched).
  Errno Insert(FdEntry entry, uint32_t* fd);
  // Stores entry under fd, which must be free and below max_fds (used to set up stdio).
  Errno InsertAt(uint32_t fd, FdEntry entry);
  // The entry of fd, or nullptr.
  FdEntry* Find(uint32_t fd) { return fd < entries_.size() && entries_[fd].has_value() ? &*entries_[fd] : nullptr; }
  // The entry of fd when it holds all of `rights`: kBadf when fd is not open, kNotcapable when a right is missing.
  Errno Get(uint32_t fd, uint64_t rights, FdEntry** out);
  // Closes fd (and its host fd when owned). kBadf when not open.
  Errno Close(uint32_t fd);
  // Moves from onto to, closing what to held. kBadf unless both are open.
  Errno Renumber(uint32_t from, uint32_t to);
  // How many inserts, closes and renumbers were attempted so far: unchanged means the table is as it was.
  uint64_t changes() const { return changes_; }

 private:
  static void Release(FdEntry& entry);
  uint32_t max_fds_;
  uint64_t changes_ = 0;
  std::vector<std::optional<FdEntry>> entries_;
};

}  // namespace capsule::wasi
