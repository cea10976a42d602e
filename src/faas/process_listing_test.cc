#include "faas/process_listing.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace capsule::faas {
namespace {

using std::chrono::system_clock;

TEST(ProcessListing, CapsulesRecordsKeyedByNameRevisionIndex) {
  FunctionProcess p;
  p.name = "hello";
  p.revision = "blue";
  p.index = 1;
  p.port = 40123;
  p.pid = 4242;
  p.status = ProcessStatus::kStarted;
  p.created_at = system_clock::time_point(std::chrono::seconds(1700000000)) + std::chrono::microseconds(250);
  p.started_at = p.created_at;
  p.path = "/usr/bin/capsule-http";
  p.args = {"--wasm=hello.wasm"};
  FunctionProcess q = p;
  q.revision = "a";
  q.index = 0;
  const std::string text = ProcessListingJson({p, q});
  auto doc = nlohmann::ordered_json::parse(text);
  ASSERT_TRUE(doc.contains("hello/blue/1"));
  ASSERT_TRUE(doc.contains("hello/a/0"));
  EXPECT_EQ(doc.begin().key(), "hello/a/0");  // sorted like Go's map marshalling
  const auto& r = doc["hello/blue/1"];
  EXPECT_EQ(r.begin().key(), "index");
  EXPECT_EQ(r["httpPort"], "40123");
  EXPECT_EQ(r["currentStatus"], 1);
  EXPECT_EQ(r["statusDescription"], "Started");
  EXPECT_EQ(r["createdAt"], "2023-11-14T22:13:20.00025Z");
  EXPECT_EQ(r["finishedAt"], "0001-01-01T00:00:00Z");
  EXPECT_TRUE(r["env"].is_null());
  EXPECT_EQ(r["pid"], 4242);
  EXPECT_EQ(r["restarts"], 0);
  EXPECT_EQ(r["via"], "children");
  EXPECT_FALSE(r.contains("subject"));
  EXPECT_NE(text.find("\n  \"hello/a/0\": {"), std::string::npos) << text;  // two-space indent
  EXPECT_EQ(ProcessListingJson({}), "{}");
}

TEST(ProcessListing, Rfc3339Nano) {
  EXPECT_EQ(Rfc3339Nano(system_clock::time_point(std::chrono::seconds(0))), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Rfc3339Nano(system_clock::time_point(std::chrono::nanoseconds(1))), "1970-01-01T00:00:00.000000001Z");
}

}  // namespace
}  // namespace capsule::faas
