#include "runners/http/reply_writer.h"

#include <gtest/gtest.h>

namespace capsule::http {
namespace {

HttpReply Reply(int status, std::vector<std::pair<std::string, std::string>> headers, std::string body) {
  HttpReply r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

TEST(ReplyWriter, StatusLineHeadersLengthAndBody) {
  std::string out;
  WriteReply(Reply(201, {{"Content-Type", "application/json"}, {"X-A", "b"}}, "{}"), {}, &out);
  EXPECT_EQ(out, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-A: b\r\nContent-Length: 2\r\n\r\n{}");
}

TEST(ReplyWriter, ConnectionFollowsTheFraming) {
  std::string out;
  WriteReply(Reply(200, {}, "x"), {.keep_alive = false}, &out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx");
  WriteReply(Reply(200, {}, "x"), {.keep_alive = true, .http10 = true}, &out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\nx");
}

TEST(ReplyWriter, HeadKeepsTheLengthAndDropsTheBody) {
  std::string out;
  WriteReply(Reply(200, {}, "hello"), {.head = true}, &out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
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
                    {"X-Ok", "fine"}},
                   "ab"),
             {}, &out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nX-Ok: fine\r\nContent-Length: 2\r\n\r\nab");
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
