// The default file policy: Capsule's, every path allowed and relative to the working directory.
#include <memory>
#include <string>

#include "capsule/host.h"

namespace capsule {
namespace {

class WorkingDirectoryPolicy final : public FilePolicy {
 public:
  Result<std::string> Resolve(std::string_view guest_path, FileAccess) const override {
    return std::string(guest_path);
  }
};

}  // namespace

std::shared_ptr<const FilePolicy> WorkingDirectoryFilePolicy() {
  static const auto policy = std::make_shared<const WorkingDirectoryPolicy>();
  return policy;
}

}  // namespace capsule
