#include "runners/capsctl/admin_client.h"

#include <memory>
#include <utility>

#include "host/curl_api.h"

namespace capsule::capsctl {
namespace {

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

AdminClient::AdminClient(std::string base_url, std::string token)
    : base_url_(std::move(base_url)), token_(std::move(token)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

Result<AdminAnswer> AdminClient::Send(const std::string& method, const std::string& path,
                                      const std::string& body) const {
  auto loaded = host::Curl();
  if (!loaded) return loaded.take_error();
  const host::CurlApi& api = **loaded;
  std::unique_ptr<CURL, decltype(api.easy_cleanup)> curl(api.easy_init(), api.easy_cleanup);
  if (!curl) return Fail(ErrorCode::kInternal, "cannot create an HTTP client");
  CURL* c = curl.get();
  const std::string url = base_url_ + path;
  curl_slist* headers = api.slist_append(nullptr, "Content-Type: application/json; charset=utf-8");
  headers = api.slist_append(headers, ("CAPSULE_FAAS_TOKEN: " + token_).c_str());
  std::unique_ptr<curl_slist, decltype(api.slist_free_all)> header_list(headers, api.slist_free_all);
  AdminAnswer answer;
  char error[CURL_ERROR_SIZE] = "";
  api.easy_setopt(c, CURLOPT_URL, url.c_str());
  api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  api.easy_setopt(c, CURLOPT_TIMEOUT_MS, 120000L);  // a start waits for the child to answer its health checks
  api.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  api.easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  api.easy_setopt(c, CURLOPT_WRITEDATA, &answer.body);
  api.easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  api.easy_setopt(c, CURLOPT_USERAGENT, "capsctl");
  if (method == "GET") {
    api.easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    api.easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    api.easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    api.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  const CURLcode rc = api.easy_perform(c);
  if (rc != CURLE_OK)
    return Fail(ErrorCode::kIo, "cannot reach the FaaS front at " + base_url_ + " (" + method + " " + url +
                                    "): " + (error[0] ? error : api.easy_strerror(rc)) +
                                    "; is capsule-http --faas running there? (CAPSULE_MAIN_PROCESS_URL)");
  long status = 0;
  api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  answer.status = static_cast<int>(status);
  return answer;
}

std::string PathSegment(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    const bool plain = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                       ch == '.' || ch == '_' || ch == '~';
    if (plain) {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

}  // namespace capsule::capsctl
