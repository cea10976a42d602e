// The examples of the Rust and AssemblyScript SDKs (sdk/rust/examples, sdk/assemblyscript/examples) through the
// runners they are written for: the CLI one through `capsule`, the JSON one through `capsule --json`, the HTTP one
// through a real capsule-http answering HTTP requests on 127.0.0.1.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "http_client.h"
#include "process.h"
#include "sdk_guests.h"

namespace capsule::testing {
namespace {

namespace fs = std::filesystem;

class SdkExamplesTest : public SdkTest {
 protected:
  std::string Example(const std::string& name) const { return GuestPath(GetParam().prefix + name); }
};

TEST_P(SdkExamplesTest, CliExampleCallsHostFunctions) {
  auto r = Capsule({"--wasm=" + Example("hello"), "--params=Bob"}, {"MESSAGE=from the host"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // print (env, cache set/get/keys), log (file written and read back), then the CLI prints the answer.
  const std::string greeting = "\xF0\x9F\x91\x8B Hello Bob";
  EXPECT_EQ(r.out.rfind("MESSAGE: from the host\ncache: last-name=Bob keys=last-name\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(" : ./hello.txt holds " + greeting + "\n" + greeting + "\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
  std::ifstream file(dir_ + "/hello.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(file), {}), greeting);
}

TEST_P(SdkExamplesTest, CliExampleFailureExitsWithOne) {
  auto r = Capsule({"--wasm=" + Example("hello"), "--params="});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "send a name with --params\n");
  // A host function's failure becomes the handler's: hello.txt cannot be written where a directory has its name.
  fs::create_directory(dir_ + "/hello.txt");
  r = Capsule({"--wasm=" + Example("hello"), "--params=Bob"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("\nopen ./hello.txt: is a directory\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Hello Bob\n"), std::string::npos) << r.out;
}

TEST_P(SdkExamplesTest, JsonExampleThroughCapsuleJson) {
  auto r = Capsule({"--json", "--wasm=" + Example("hello-json"), R"(--params={"name":"Bob \"B\" \u00e9","age":42})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"message\":\"Hello Bob \\\"B\\\" \xC3\xA9\",\"nextAge\":43}\n");
  r = Capsule({"--json", "--wasm=" + Example("hello-json"), R"(--params={"age":1})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "the input has no \"name\" string\n");
  r = Capsule({"--json", "--wasm=" + Example("hello-json"), R"(--params={"name":)"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.rfind("invalid JSON at ", 0), 0u) << r.out;
  // Without --json the CLI calls callHandle, which has no handler in this module.
  r = Capsule({"--wasm=" + Example("hello-json"), "--params=x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no handler: call " + GetParam().set_handle), std::string::npos) << r.out;
}

TEST_P(SdkExamplesTest, HttpExampleServesJsonHtmlErrorsAndHealth) {
  HttpServerProcess server({"--wasm=" + Example("hello-http"), "--workers=1"});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  const std::string sdk = GetParam().sdk;

  auto r = HttpRequest(server.port(), "POST", "/greet?x=1", R"({"name":"Bob"})", {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/json; charset=utf-8");
  EXPECT_EQ(r.headers["x-capsule-sdk"], sdk);
  EXPECT_EQ(r.body, R"({"message":"Hello Bob","path":"/greet","visits":1})");

  // A header value with quotes and a backslash crosses the request's Headers string intact.
  r = HttpRequest(server.port(), "GET", "/", "", {"X-Name: Jane \"J\" \\o/"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(r.headers["x-capsule-sdk"], sdk);
  EXPECT_EQ(r.body, "<html><body><h1>Hello Jane \"J\" \\o/</h1><p>2 visits</p></body></html>");

  r = HttpRequest(server.port(), "PUT", "/greet", "not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.rfind(R"({"error":"invalid JSON at )", 0), 0u) << r.body;

  r = HttpRequest(server.port(), "GET", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"sdk":")" + sdk + R"(","status":"healthy"})");
}

INSTANTIATE_TEST_SUITE_P(Sdks, SdkExamplesTest, ::testing::ValuesIn(AllSdks()), SdkName);

}  // namespace
}  // namespace capsule::testing
