// Converting a .wast script with wabt's wast2json, at test time, into the build tree.
#pragma once

#include <filesystem>
#include <string>

#include "capsule/result.h"

namespace capsule::spec {

// Runs `tool --enable-all wast -o out_dir/<name>.json` (out_dir is emptied first) and returns the JSON's path;
// the script's .wasm files land beside it. Errors: kIo, with the tool's output, when it cannot run or fails.
Result<std::filesystem::path> ConvertWast(const std::string& tool, const std::filesystem::path& wast,
                                          const std::filesystem::path& out_dir);

}  // namespace capsule::spec
