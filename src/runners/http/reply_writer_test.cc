#include "runners/http/reply_writer.h"

#include <gtest/gtest.h>

#include <ctime>

namespace capsule::http {
namespace {

HttpReply Reply(int status, std::vector<std::pair<std::string, std::string>> headers, std::string body) {
  HttpReply r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

// The headers every reply here carries besides the guest's: a fixed date keeps the expectations exact.
const std::pair<std::string, std::string> kDate{"Date", "Sun, 22 Nov 2026 03:00:00 GMT"};
const std::pair<std::string, std::string> kText{"Content-Type", "text/plain"};
constexpr char kFixed[] = "Content-Type: text/plain\r\nDate: Sun, 22 Nov 2026 03:00:00 GMT\r\n";

TEST(ReplyWriter, StatusLineHeadersLengthAndBody) {
  std::string out;
  WriteReply(Reply(201, {{"Content-Type", "application/json"}, {"X-A", "b"}, kDate}, "{}"), {}, &out);
  EXPECT_EQ(out,
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-A: b\r\nDate: Sun, 22 Nov 2026 03:00:00 "
            "GMT\r\nContent-Length: 2\r\n\r\n{}");
}

TEST(ReplyWriter, DefaultContentTypeAndDate) {
  std::string out;
  WriteReply(Reply(200, {}, "x"), {}, &out);
  EXPECT_NE(out.find("\r\nContent-Type: text/plain; charset=utf-8\r\n"), std::string::npos) << out;
  const size_t date = out.find("\r\nDate: ");
  ASSERT_NE(date, std::string::npos) << out;
  const std::string value = out.substr(date + 8, out.find("\r\n", date + 8) - (date + 8));
  std::tm parsed{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parsed);  // IMF-fixdate
  ASSERT_NE(end, nullptr) << value;
  EXPECT_EQ(*end, '\0') << value;
  EXPECT_GE(parsed.tm_year, 126) << value;
}

TEST(ReplyWriter, ConnectionFollowsTheFraming) {
  std::string out;
  WriteReply(Reply(200, {kText, kDate}, "x"), {.keep_alive = false}, &out);
  EXPECT_EQ(out, std::string("HTTP/1.1 200 OK\r\n") + kFixed + "Content-Length: 1\r\nConnection: close\r\n\r\nx");
  WriteReply(Reply(200, {kText, kDate}, "x"), {.keep_alive = true, .http10 = true}, &out);
  EXPECT_EQ(out, std::string("HTTP/1.1 200 OK\r\n") + kFixed + "Content-Length: 1\r\nConnection: keep-alive\r\n\r\nx");
}

TEST(ReplyWriter, HeadKeepsTheLengthAndDropsTheBody) {
  std::string out;
  WriteReply(Reply(200, {kText, kDate}, "hello"), {.head = true}, &out);
  EXPECT_EQ(out, std::string("HTTP/1.1 200 OK\r\n") + kFixed + "Content-Length: 5\r\n\r\n");
}

TEST(ReplyWriter, DropsHeadersThatCouldSplitOrMisframeTheReply) {
  std::string out;
  WriteReply(Reply(200,
                   {{"Bad Name", "v"},
                    {"X-Split", "a\r\nInjected: 1"},
                    {std::string("X-\0", 3), "v"},
                    {"", "v"},
                    {"content-length", "99"},
                    {"Transfer-Encoding", "chunked"},
                    {"Connection", "upgrade"},
                    {"X-Ok", "fine"},
                    kText,
                    kDate},
                   "ab"),
             {}, &out);
  EXPECT_EQ(out, std::string("HTTP/1.1 200 OK\r\nX-Ok: fine\r\n") + kFixed + "Content-Length: 2\r\n\r\nab");
}

TEST(ReplyWriter, UnknownAndInvalidStatuses) {
  std::string out;
  WriteReply(Reply(299, {}, ""), {}, &out);
  EXPECT_EQ(out.substr(0, out.find('\r')), "HTTP/1.1 299 ");
  WriteReply(Reply(42, {}, ""), {}, &out);
  EXPECT_EQ(out.substr(0, out.find('\r')), "HTTP/1.1 500 Internal Server Error");
}

}  // namespace
}  // namespace capsule::http
