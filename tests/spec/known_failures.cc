// ReadKnownFailures.
#include "known_failures.h"

#include <fstream>
#include <sstream>

namespace capsule::spec {

Result<std::vector<KnownFailure>> ReadKnownFailures(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Fail(ErrorCode::kNotFound, "cannot read " + path.string());
  std::vector<KnownFailure> list;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    KnownFailure f;
    std::string where;
    fields >> f.backend >> where;
    std::getline(fields >> std::ws, f.reason);
    const auto colon = where.rfind(':');
    if (colon != std::string::npos) {
      f.file = where.substr(0, colon);
      f.line = std::atoi(where.c_str() + colon + 1);
    }
    if (f.backend.empty() || f.file.empty() || f.line <= 0 || f.reason.empty())
      return Fail(ErrorCode::kInvalidArgument, path.string() + ":" + std::to_string(number) +
                                                   ": expected \"<backend> <file.wast>:<line> <reason>\"");
    list.push_back(std::move(f));
  }
  return list;
}

}  // namespace capsule::spec
