// The list of spec commands a backend is known to fail, each with its reason (tests/spec/known_failures.txt).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "capsule/result.h"

namespace capsule::spec {

// One listed failure: the command at file:line fails on backend, for reason.
struct KnownFailure {
  std::string backend;
  std::string file;  // "simd_lane.wast"
  int line = 0;
  std::string reason;
};

// Reads a list of lines "<backend> <file.wast>:<line> <reason>"; blank lines and lines starting with # are
// ignored. Errors: kNotFound, or kInvalidArgument naming a line that does not read so.
Result<std::vector<KnownFailure>> ReadKnownFailures(const std::filesystem::path& path);

}  // namespace capsule::spec
