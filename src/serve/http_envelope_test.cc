#include "serve/http_envelope.h"

#include <gtest/gtest.h>

namespace capsule::serve {
namespace {

TEST(FaasSubject, EscapesDotsAndPercents) {
  EXPECT_EQ(FaasSubject("capsule.faas", "hello", "default"), "capsule.faas.hello.default");
  EXPECT_EQ(FaasSubject("capsule.faas", "index.page", "v1.2"), "capsule.faas.index%2Epage.v1%2E2");
  EXPECT_NE(FaasSubject("p", "a.b", "c"), FaasSubject("p", "a", "b.c"));
}

TEST(HttpEnvelope, RequestRoundTripsAndBuildsTheUri) {
  MessageHeaders http = {{"Host", "front:8080"}, {"X-Token", "a:b"}, {"Accept", "*/*"}, {"Accept", "text/html"}};
  MessageHeaders nats = EncodeRequestEnvelope("PUT", "/a/b?x=1", http);
  auto request = DecodeRequestEnvelope(nats, std::string("bin\0ary", 7));
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->target, "/a/b?x=1");
  EXPECT_EQ(request->http.method, "PUT");
  EXPECT_EQ(request->http.uri, "http://front:8080/a/b?x=1");
  EXPECT_EQ(request->http.headers, http);
  EXPECT_EQ(request->http.body, std::string("bin\0ary", 7));
}

TEST(HttpEnvelope, AClientCannotForgeTheEnvelope) {
  MessageHeaders http = {{"capsule-http-target", "/admin"},
                         {"Capsule-Envelope", "http/0"},
                         {"Bad Name", "x"},
                         {"Split", "a\r\nInjected: 1"},
                         {"Ok", "1"}};
  MessageHeaders nats = EncodeRequestEnvelope("GET", "", http);
  auto request = DecodeRequestEnvelope(nats, "");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->http.uri, "http://localhost/");
  EXPECT_EQ(request->http.headers, (MessageHeaders{{"Ok", "1"}}));
}

TEST(HttpEnvelope, MalformedRequestsAreErrors) {
  EXPECT_FALSE(DecodeRequestEnvelope({{"Capsule-Http-Method", "GET"}, {"Capsule-Http-Target", "/"}}, "").ok());
  EXPECT_FALSE(DecodeRequestEnvelope({{"Capsule-Envelope", "http/2"}}, "").ok());
  auto no_slash = DecodeRequestEnvelope(
      {{"Capsule-Envelope", "http/1"}, {"Capsule-Http-Method", "GET"}, {"Capsule-Http-Target", "x"}}, "");
  ASSERT_FALSE(no_slash.ok());
  EXPECT_NE(no_slash.error().message.find("Capsule-Http-Target"), std::string::npos);
  EXPECT_FALSE(DecodeRequestEnvelope(
                   {{"Capsule-Envelope", "http/1"}, {"Capsule-Http-Method", "G T"}, {"Capsule-Http-Target", "/"}}, "")
                   .ok());
}

TEST(HttpEnvelope, ReplyRoundTrips) {
  HttpReply reply;
  reply.status = 418;
  reply.headers = {{"Content-Type", "text/plain"}, {"Capsule-Http-Status", "200"}, {"X-Evil", "a\nb"}};
  reply.body = "teapot";
  auto back = DecodeReplyEnvelope(EncodeReplyEnvelope(reply), reply.body);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->status, 418);
  EXPECT_EQ(back->headers, (MessageHeaders{{"Content-Type", "text/plain"}}));
  EXPECT_EQ(back->body, "teapot");
}

TEST(HttpEnvelope, MalformedRepliesAreErrors) {
  for (const char* status : {"", "abc", "99", "600", "200x"}) {
    auto r = DecodeReplyEnvelope({{"Capsule-Envelope", "http/1"}, {"Capsule-Http-Status", status}}, "");
    EXPECT_FALSE(r.ok()) << status;
  }
  EXPECT_FALSE(DecodeReplyEnvelope({{"Capsule-Http-Status", "200"}}, "").ok());
}

}  // namespace
}  // namespace capsule::serve
