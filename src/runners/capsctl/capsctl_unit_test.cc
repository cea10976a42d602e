// capsctl's pieces without a front: the start request's body, path segments, the process table, result output.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runners/capsctl/commands.h"

namespace capsule::capsctl {
namespace {

using nlohmann::json;

TEST(StartRequestBody, HasCapsulesFieldsAndArgs) {
  CtlOptions o;
  o.name = "hello";
  o.wasm = "hello.wasm";
  json body = json::parse(StartRequestBody(o));
  EXPECT_EQ(body["name"], "hello");
  EXPECT_EQ(body["revision"], "default");
  EXPECT_EQ(body["description"], "");
  EXPECT_EQ(body["path"], "");
  EXPECT_EQ(body["args"], json::array({"", "--wasm=hello.wasm"}));
  EXPECT_EQ(body["env"], json::array());

  o.url = "http://x/m.wasm";
  o.stop_after = "10";
  o.env = {"A=1", "B=2"};
  o.description = "not \xff utf-8";  // replaced, not thrown
  body = json::parse(StartRequestBody(o));
  EXPECT_EQ(body["args"], json::array({"", "--wasm=hello.wasm", "--url=http://x/m.wasm", "--stopAfter=10"}));
  EXPECT_EQ(body["env"], json::array({"A=1", "B=2"}));

  CtlOptions nats;
  nats.name = "report";
  nats.via_nats = true;
  body = json::parse(StartRequestBody(nats));
  EXPECT_EQ(body["via"], "nats");
  EXPECT_FALSE(body.contains("args"));
}

TEST(PathSegment, EncodesAllButUnreservedCharacters) {
  EXPECT_EQ(PathSegment("hello-1.2_x~"), "hello-1.2_x~");
  EXPECT_EQ(PathSegment("a/b c?"), "a%2Fb%20c%3F");
}

TEST(ProcessTable, OneRowPerReplica) {
  const std::string listing = R"({
    "hello/blue/0": {"index": 0, "functionName": "hello", "functionRevision": "blue", "httpPort": "41000",
                     "statusDescription": "Started", "startedAt": "2026-12-02T16:05:03.123456789Z", "pid": 123,
                     "restarts": 2},
    "hello/blue/1": {"index": 1, "functionName": "hello", "functionRevision": "blue", "httpPort": "",
                     "statusDescription": "Waiting", "startedAt": "0001-01-01T00:00:00Z", "pid": 0}
  })";
  auto table = ProcessTable(listing);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(*table,
            "NAME   REVISION  INDEX  STATUS   PID  PORT   RESTARTS  STARTED\n"
            "hello  blue      0      Started  123  41000  2         2026-12-02T16:05:03Z\n"
            "hello  blue      1      Waiting  0                     -\n");
  EXPECT_EQ(*ProcessTable("{}"), "NAME  REVISION  INDEX  STATUS  PID  PORT  RESTARTS  STARTED\n");
  EXPECT_FALSE(ProcessTable("[1]").ok());
  EXPECT_FALSE(ProcessTable("{\"a\": 1}").ok());
  EXPECT_FALSE(ProcessTable("not json").ok());
}

TEST(ResultText, LinesOrOneJsonObject) {
  EXPECT_EQ(ResultText(OutputFormat::kTable, {"a", "b"}, {{"k", "v"}}), "a\nb\n");
  EXPECT_EQ(ResultText(OutputFormat::kJson, {"a"}, {{"started", "x/y/0"}, {"url", "u"}}),
            "{\"started\":\"x/y/0\",\"url\":\"u\"}\n");
}

}  // namespace
}  // namespace capsule::capsctl
