// The implementation behind the public WasiContext: what one instance's WASI functions share.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "capsule/wasi.h"
#include "fd_table.h"

namespace capsule::wasi {

// A list of NUL-terminated strings laid out as args_get / environ_get copy them into the guest.
struct StringList {
  std::string blob;               // every string followed by its NUL
  std::vector<uint32_t> offsets;  // where each string starts in blob
};

// The WASI state of one instance. Created by WasiContext::Create.
class WasiState final : public WasiContext {
 public:
  explicit WasiState(uint32_t max_fds) : fds(max_fds) {}

  bool FdsChanged() const override { return fds.changes() != fd_changes_at_create; }

  FdTable fds;
  StringList args;
  StringList env;
  uint64_t fd_changes_at_create = 0;                     // fds.changes() when Create finished
  std::function<void(std::string_view)> on_stdio_write;  // WasiOptions::on_stdio_write
};

}  // namespace capsule::wasi
