#include "fd_table.h"

#include <unistd.h>

namespace capsule::wasi {

namespace {

constexpr uint64_t kFileRights = rights::kFdDatasync | rights::kFdRead | rights::kFdSeek | rights::kFdFdstatSetFlags |
                                 rights::kFdSync | rights::kFdTell | rights::kFdWrite | rights::kFdAdvise |
                                 rights::kFdAllocate | rights::kFdFilestatGet | rights::kFdFilestatSetSize |
                                 rights::kFdFilestatSetTimes | rights::kPollFdReadwrite;

constexpr uint64_t kDirectoryRights =
    rights::kFdFdstatSetFlags | rights::kFdSync | rights::kFdAdvise | rights::kPathCreateDirectory |
    rights::kPathCreateFile | rights::kPathLinkSource | rights::kPathLinkTarget | rights::kPathOpen |
    rights::kFdReaddir | rights::kPathReadlink | rights::kPathRenameSource | rights::kPathRenameTarget |
    rights::kPathFilestatGet | rights::kPathFilestatSetSize | rights::kPathFilestatSetTimes | rights::kFdFilestatGet |
    rights::kFdFilestatSetTimes | rights::kPathSymlink | rights::kPathRemoveDirectory | rights::kPathUnlinkFile |
    rights::kPollFdReadwrite;

// Character devices, pipes: no seek or tell, which is how wasi-libc's isatty() recognizes a terminal.
constexpr uint64_t kStreamRights = rights::kFdRead | rights::kFdWrite | rights::kFdFdstatSetFlags |
                                   rights::kFdFilestatGet | rights::kPollFdReadwrite | rights::kFdSync |
                                   rights::kFdDatasync | rights::kFdAdvise;

constexpr uint64_t kSocketRights = kStreamRights | rights::kSockShutdown | rights::kSockAccept;

}  // namespace

uint64_t BaseRights(FileType type) {
  switch (type) {
    case FileType::kDirectory: return kDirectoryRights;
    case FileType::kRegularFile:
    case FileType::kBlockDevice: return kFileRights;
    case FileType::kSocketDgram:
    case FileType::kSocketStream: return kSocketRights;
    default: return kStreamRights;
  }
}

uint64_t InheritingRights(FileType type) {
  return type == FileType::kDirectory ? kDirectoryRights | kFileRights : 0;
}

FdTable::~FdTable() {
  for (auto& e : entries_)
    if (e) Release(*e);
}

void FdTable::Release(FdEntry& entry) {
  if (entry.owned && entry.host_fd >= 0) close(entry.host_fd);
  entry.host_fd = -1;
}

Errno FdTable::Insert(FdEntry entry, uint32_t* fd) {
  ++changes_;
  uint32_t n = 0;
  while (n < entries_.size() && entries_[n].has_value()) ++n;
  if (n >= max_fds_) return Errno::kNfile;
  if (n == entries_.size()) entries_.emplace_back();
  entries_[n] = std::move(entry);
  *fd = n;
  return Errno::kSuccess;
}

Errno FdTable::InsertAt(uint32_t fd, FdEntry entry) {
  ++changes_;
  if (fd >= max_fds_) return Errno::kNfile;
  if (fd >= entries_.size()) entries_.resize(fd + 1);
  if (entries_[fd]) return Errno::kExist;
  entries_[fd] = std::move(entry);
  return Errno::kSuccess;
}

Errno FdTable::Get(uint32_t fd, uint64_t rights, FdEntry** out) {
  FdEntry* e = Find(fd);
  if (!e) return Errno::kBadf;
  if ((e->rights_base & rights) != rights) return Errno::kNotcapable;
  *out = e;
  return Errno::kSuccess;
}

Errno FdTable::Close(uint32_t fd) {
  ++changes_;
  FdEntry* e = Find(fd);
  if (!e) return Errno::kBadf;
  Release(*e);
  entries_[fd].reset();
  return Errno::kSuccess;
}

Errno FdTable::Renumber(uint32_t from, uint32_t to) {
  ++changes_;
  if (!Find(from) || !Find(to)) return Errno::kBadf;
  if (from == to) return Errno::kSuccess;
  Release(*entries_[to]);
  entries_[to] = std::move(entries_[from]);
  entries_[from].reset();
  return Errno::kSuccess;
}

}  // namespace capsule::wasi
