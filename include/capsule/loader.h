/// @file
/// Getting a module's bytes: from a file, or downloaded from a URL (Capsule's --url), checked to be WebAssembly.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "capsule/result.h"

namespace capsule {

/// Where a module comes from.
struct ModuleSource {
  /// A local file. With url set: where the download is saved (atomically); empty keeps it in memory only.
  std::string path;
  /// An http:// or https:// URL to download the module from; empty reads path.
  std::string url;
  /// An optional header sent with the download (e.g. PRIVATE-TOKEN: secret): its name, empty for none.
  std::string auth_header_name;
  std::string auth_header_value;  ///< and its value
  /// The whole download's time limit.
  std::chrono::seconds timeout{60};
  uint64_t max_bytes = 256ull << 20;  ///< the largest module accepted
};

/// Reads or downloads the module and checks its WebAssembly header. Errors, each naming the file or URL:
/// kInvalidArgument (neither path nor url), kNotFound / kIo (file), kIo "download of URL failed: ..." (network
/// error, HTTP status >= 400, too large), kInvalidModule "... is not a WebAssembly module".
Result<std::vector<uint8_t>> LoadModule(const ModuleSource& source);

/// Downloads url into memory (following redirects), with an optional header. Errors: kIo with curl's reason or the
/// HTTP status.
Result<std::string> DownloadUrl(const std::string& url, const std::string& header_name, const std::string& header_value,
                                std::chrono::seconds timeout, uint64_t max_bytes);

}  // namespace capsule
