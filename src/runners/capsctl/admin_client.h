// The HTTP calls of capsctl: one request to the FaaS front's admin routes through the HDK's HTTP client
// (fetch/fetch.h), with Capsule's headers (a JSON content type and the CAPSULE_FAAS_TOKEN header).
#pragma once

#include <string>

#include "capsule/result.h"

namespace capsule::capsctl {

// What the front answered: its status and body, whatever the status.
struct AdminAnswer {
  int status = 0;
  std::string body;
};

// A client of one front (CAPSULE_MAIN_PROCESS_URL) with one token.
class AdminClient {
 public:
  // base_url: the front's URL (a trailing '/' is dropped); token: sent in the CAPSULE_FAAS_TOKEN header.
  AdminClient(std::string base_url, std::string token);

  // Sends method base_url+path with body (none for GET). Errors: kIo when the front cannot be reached (the message
  // names the URL and the reason), kNotFound when the HTTP client cannot be loaded. Any HTTP status is an answer.
  Result<AdminAnswer> Send(const std::string& method, const std::string& path, const std::string& body = "") const;

  // The front's URL, without a trailing '/'.
  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_, token_;
};

// text percent-encoded for one path segment (everything but letters, digits and "-._~").
std::string PathSegment(const std::string& text);

}  // namespace capsule::capsctl
