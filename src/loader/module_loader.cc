// LoadModule and DownloadUrl: module bytes from a file or an http(s) URL (libcurl).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "capsule/engine.h"
#include "capsule/loader.h"
#include "host/curl_api.h"

namespace capsule {
namespace {

struct Download {
  std::string body;
  uint64_t max_bytes;
  bool too_large = false;
};

size_t OnData(char* data, size_t size, size_t count, void* user) {
  auto* d = static_cast<Download*>(user);
  size_t n = size * count;
  if (d->body.size() + n > d->max_bytes) {
    d->too_large = true;
    return 0;  // aborts the transfer
  }
  d->body.append(data, n);
  return n;
}

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
  std::string what = "download of " + url + " failed: ";
  auto loaded = host::Curl();
  if (!loaded) return Fail(ErrorCode::kIo, what + loaded.error().message);
  const host::CurlApi& api = **loaded;
  CURL* curl = api.easy_init();
  if (!curl) return Fail(ErrorCode::kIo, what + "cannot initialize libcurl");
  Download d{{}, max_bytes};
  char error[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  if (!header_name.empty()) headers = api.slist_append(headers, (header_name + ": " + header_value).c_str());
  api.easy_setopt(curl, CURLOPT_URL, url.c_str());
  api.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  api.easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  api.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  api.easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  api.easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count() * 1000));
  api.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  api.easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnData);
  api.easy_setopt(curl, CURLOPT_WRITEDATA, &d);
  if (headers) api.easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = api.easy_perform(curl);
  long status = 0;
  api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  api.slist_free_all(headers);
  api.easy_cleanup(curl);
  if (d.too_large) return Fail(ErrorCode::kIo, what + "larger than " + std::to_string(max_bytes) + " bytes");
  if (rc != CURLE_OK) return Fail(ErrorCode::kIo, what + (error[0] ? error : api.easy_strerror(rc)));
  if (status >= 400) return Fail(ErrorCode::kIo, what + "HTTP status " + std::to_string(status));
  return std::move(d.body);
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
