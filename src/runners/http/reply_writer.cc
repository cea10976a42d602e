#include "runners/http/reply_writer.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <ctime>

namespace capsule::http {
namespace {

using boost::beast::iequals;

// The headers whose framing role belongs to the server.
bool ServerOwned(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Connection") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Keep-Alive");
}

void AppendNumber(std::string* out, size_t n) {
  char digits[24];
  char* end = digits + sizeof digits;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  out->append(p, end);
}

// The Date header's value for now (RFC 9110 IMF-fixdate), formatted once per second per thread.
std::string_view HttpDate() {
  thread_local std::time_t cached_second = -1;
  thread_local char text[40];
  thread_local size_t length = 0;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    length = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    cached_second = now;
  }
  return std::string_view(text, length);
}

}  // namespace

void WriteReply(const HttpReply& reply, const ReplyFraming& framing, std::string* out) {
  out->clear();
  const unsigned status = reply.status >= 100 && reply.status <= 999 ? static_cast<unsigned>(reply.status) : 500;
  out->append("HTTP/1.1 ");
  AppendNumber(out, status);
  out->push_back(' ');
  const auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  if (reason != "<unknown-status>") out->append(reason.data(), reason.size());
  out->append("\r\n");
  bool has_type = false, has_date = false;
  for (const auto& [name, value] : reply.headers) {
    if (!IsHttpHeaderName(name) || !IsSafeHeaderValue(value) || ServerOwned(name)) continue;
    out->append(name).append(": ").append(value).append("\r\n");
    has_type = has_type || iequals(name, "Content-Type");
    has_date = has_date || iequals(name, "Date");
  }
  if (!has_type) out->append("Content-Type: text/plain; charset=utf-8\r\n");  // what Capsule's server sent
  if (!has_date) out->append("Date: ").append(HttpDate()).append("\r\n");
  out->append("Content-Length: ");
  AppendNumber(out, reply.body.size());
  out->append("\r\n");
  if (!framing.keep_alive)
    out->append("Connection: close\r\n");
  else if (framing.http10)
    out->append("Connection: keep-alive\r\n");
  out->append("\r\n");
  if (!framing.head) out->append(reply.body);
}

}  // namespace capsule::http
