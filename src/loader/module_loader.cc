// LoadModule and DownloadUrl: module bytes from a file or an http(s) URL (the HDK's HTTP client, fetch/fetch.h).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>

#include "capsule/engine.h"
#include "capsule/loader.h"
#include "fetch/fetch.h"

namespace capsule {
namespace {

constexpr int kMaxRedirects = 10;

bool IsWasm(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == 'a' && bytes[2] == 's' && bytes[3] == 'm';
}

Status SaveAtomically(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".download-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Fail(ErrorCode::kIo, "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Fail(ErrorCode::kIo, "cannot save the download to " + path);
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> DownloadUrl(const std::string& url, const std::string& header_name, const std::string& header_value,
                                std::chrono::seconds timeout, uint64_t max_bytes) {
  const std::string what = "download of " + url + " failed: ";
  fetch::FetchRequest request;
  request.deadline = std::chrono::steady_clock::now() + timeout;
  request.max_body_bytes = max_bytes;
  if (!header_name.empty()) request.headers.emplace_back(header_name, header_value);
  std::string current = url;
  std::optional<fetch::HttpUrl> origin;
  for (int hop = 0;; ++hop) {
    auto parsed = fetch::ParseHttpUrl(current);
    if (!parsed) return Fail(ErrorCode::kIo, what + parsed.error().message);
    if (!origin) origin = *parsed;
    // The auth header goes to the server of --url only, never to another one a redirect names.
    if (!fetch::SameOrigin(*origin, *parsed)) request.headers.clear();
    request.url = *parsed;
    auto answer = fetch::Fetch(request);
    if (!answer) {
      if (answer.error().code == ErrorCode::kResourceLimit)
        return Fail(ErrorCode::kIo, what + "larger than " + std::to_string(max_bytes) + " bytes");
      if (answer.error().code == ErrorCode::kInterrupted)
        return Fail(ErrorCode::kIo, what + "no answer within " + std::to_string(timeout.count()) + "s");
      return Fail(ErrorCode::kIo, what + answer.error().message);
    }
    const std::string location = fetch::HeaderValue(*answer, "Location");
    if (answer->status >= 300 && answer->status <= 399 && !location.empty()) {
      if (hop >= kMaxRedirects)
        return Fail(ErrorCode::kIo, what + "more than " + std::to_string(kMaxRedirects) + " redirects");
      current = fetch::ResolveReference(*parsed, location);
      continue;
    }
    if (answer->status >= 400) return Fail(ErrorCode::kIo, what + "HTTP status " + std::to_string(answer->status));
    return std::move(answer->body);
  }
}

Result<std::vector<uint8_t>> LoadModule(const ModuleSource& source) {
  std::vector<uint8_t> bytes;
  std::string name;
  if (!source.url.empty()) {
    auto body =
        DownloadUrl(source.url, source.auth_header_name, source.auth_header_value, source.timeout, source.max_bytes);
    if (!body) return body.take_error();
    name = source.url;
    bytes.assign(body->begin(), body->end());
    if (!IsWasm(bytes)) return Fail(ErrorCode::kInvalidModule, name + " is not a WebAssembly module");
    if (!source.path.empty())
      if (auto st = SaveAtomically(source.path, *body); !st) return st.take_error();
    return bytes;
  }
  if (source.path.empty()) return Fail(ErrorCode::kInvalidArgument, "no module given (use --wasm=FILE or --url=URL)");
  auto file = ReadFileBytes(source.path);
  if (!file) return file.take_error();
  if (!IsWasm(*file))
    return Fail(ErrorCode::kInvalidModule, source.path + " is not a WebAssembly module (no \\0asm header)");
  return file;
}

}  // namespace capsule
