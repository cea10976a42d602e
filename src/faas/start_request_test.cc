#include "faas/start_request.h"

#include <gtest/gtest.h>

namespace capsule::faas {
namespace {

TEST(StartRequest, ReadsCapsulesBody) {
  // What Capsule's capsctl sends: argv[0] first, as an empty string.
  auto r = ParseStartRequest(R"({"name":"hello","revision":"blue","description":"hi","path":"",
      "args":["","-wasm=hello.wasm","-stopAfter=10"],"env":["WHO=me","EMPTY="]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name, "hello");
  EXPECT_EQ(r->revision, "blue");
  EXPECT_EQ(r->description, "hi");
  EXPECT_EQ(r->args, (std::vector<std::string>{"-wasm=hello.wasm", "-stopAfter=10"}));
  EXPECT_EQ(r->env, (std::vector<std::string>{"WHO=me", "EMPTY="}));
  r = ParseStartRequest(R"({"name":"hello","args":["--wasm=a.wasm"],"env":null})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->revision, "default");
  EXPECT_EQ(r->args, (std::vector<std::string>{"--wasm=a.wasm"}));  // no argv[0]: the flag stays
  EXPECT_EQ(r->replicas, 0);
  EXPECT_EQ(ParseStartRequest(R"({"name":"a","replicas":3})")->replicas, 3);
  EXPECT_FALSE(r->via_nats);
  EXPECT_TRUE(ParseStartRequest(R"({"name":"a","via":"nats"})")->via_nats);
  EXPECT_FALSE(ParseStartRequest(R"({"name":"a","via":"children"})")->via_nats);
}

TEST(StartRequest, ClearErrors) {
  auto message = [](std::string_view body) {
    auto r = ParseStartRequest(body);
    EXPECT_FALSE(r.ok()) << body;
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_NE(message("{nope").find("not JSON"), std::string::npos);
  EXPECT_NE(message("[1]").find("JSON object"), std::string::npos);
  EXPECT_NE(message("{}").find("\"name\" is required"), std::string::npos);
  EXPECT_NE(message(R"({"name":"a/b"})").find("invalid \"name\""), std::string::npos);
  EXPECT_NE(message(R"({"name":"a","revision":".."})").find("invalid \"revision\""), std::string::npos);
  EXPECT_NE(message(R"({"name":"a","args":"x"})").find("\"args\" must be an array"), std::string::npos);
  EXPECT_NE(message(R"({"name":"a","args":[1]})").find("\"args\" must be an array"), std::string::npos);
  EXPECT_NE(message(R"({"name":7})").find("\"name\" must be a string"), std::string::npos);
  EXPECT_NE(message(R"({"name":"a","env":["NOEQUALS"]})").find("NAME=VALUE"), std::string::npos);
  EXPECT_NE(message(R"({"name":"a","replicas":0})").find("from 1 to 64"), std::string::npos);
  EXPECT_NE(message(R"({"name":"a","replicas":"2"})").find("from 1 to 64"), std::string::npos);
  EXPECT_NE(message(R"({"name":"a","via":"tcp"})").find("invalid \"via\""), std::string::npos);
  EXPECT_NE(message(R"({"name":"a","via":"nats","args":["--wasm=x.wasm"]})").find("--faas-function=a/default"),
            std::string::npos);
}

}  // namespace
}  // namespace capsule::faas
