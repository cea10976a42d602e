#include "runners/capsctl/admin_client.h"

#include <chrono>
#include <utility>

#include "fetch/fetch.h"

namespace capsule::capsctl {
AdminClient::AdminClient(std::string base_url, std::string token)
    : base_url_(std::move(base_url)), token_(std::move(token)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

Result<AdminAnswer> AdminClient::Send(const std::string& method, const std::string& path,
                                      const std::string& body) const {
  const std::string url = base_url_ + path;
  auto reach_failure = [&](const std::string& why) {
    return Fail(ErrorCode::kIo, "cannot reach the FaaS front at " + base_url_ + " (" + method + " " + url +
                                    "): " + why + "; is capsule-http --faas running there? (CAPSULE_MAIN_PROCESS_URL)");
  };
  auto parsed = fetch::ParseHttpUrl(url);
  if (!parsed) return reach_failure(parsed.error().message);
  fetch::FetchRequest request;
  request.method = method;
  request.url = *parsed;
  request.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"CAPSULE_FAAS_TOKEN", token_}};
  request.body = body;
  request.connect_timeout = std::chrono::seconds(10);
  request.deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);  // a start waits for health checks
  request.max_body_bytes = 64u << 20;
  request.user_agent = "capsctl";
  auto answer = fetch::Fetch(request);
  if (!answer)
    return answer.error().code == ErrorCode::kNotFound ? answer.take_error() : reach_failure(answer.error().message);
  return AdminAnswer{answer->status, std::move(answer->body)};
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
