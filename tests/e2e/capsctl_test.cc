// End-to-end tests of capsctl: the real binary against the real `capsule-http --faas` front on loopback.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "http_client.h"
#include "process.h"

namespace capsule::testing {
namespace {

using nlohmann::json;

constexpr char kToken[] = "capsctl-token-7";
constexpr char kHello[] = R"({"name":"Bob Morane","age":42})";
constexpr char kHelloReply[] = R"({"message":"Bob Morane 42","things":{"emoji":"🐯"}})";

// Runs capsctl with args and the environment entries env (replacing the test's).
RunResult Capsctl(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<std::string> argv{BinaryPath("capsctl")};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.env = env;
  options.timeout = std::chrono::seconds(60);
  return RunProcess(argv, options);
}

class CapsctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    front_ = std::make_unique<HttpServerProcess>(
        std::vector<std::string>{"--faas", "--host=127.0.0.1", "--functions-dir=" + std::string(CAPSULE_GUEST_DIR)},
        std::vector<std::string>{std::string("CAPSULE_FAAS_TOKEN=") + kToken});
    ASSERT_GT(front_->port(), 0) << front_->Stderr();
    url_ = "http://127.0.0.1:" + std::to_string(front_->port());
  }
  // capsctl with this front's URL and token.
  RunResult Run(const std::vector<std::string>& args, const std::string& token = kToken) {
    return Capsctl(args, {"CAPSULE_MAIN_PROCESS_URL=" + url_, "CAPSULE_FAAS_TOKEN=" + token});
  }
  HttpResponse Call(const std::string& target) { return HttpRequest(front_->port(), "POST", target, kHello); }

  std::unique_ptr<HttpServerProcess> front_;
  std::string url_;
};

TEST_F(CapsctlTest, StartCallListDuplicateDrop) {
  auto r = Run(
      {"--cmd=start", "--name=hello", "--wasm=hello-world.wasm", "--description=a test", R"(--env=["GREETING=hi"])"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "✅ hello/default is started")) << r.out;
  EXPECT_TRUE(Contains(r.out, "ℹ️ url: " + url_ + "/functions/hello/default")) << r.out;
  auto call = Call("/functions/hello/default");
  EXPECT_EQ(call.status, 200) << call.body;
  EXPECT_EQ(call.body, kHelloReply);

  r = Run({"--cmd=processes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("NAME ", 0), 0u) << r.out;
  for (const char* column : {"REVISION", "INDEX", "STATUS", "PID", "PORT", "RESTARTS", "STARTED"})
    EXPECT_TRUE(Contains(r.out, column)) << r.out;
  EXPECT_TRUE(Contains(r.out, "hello ")) << r.out;
  EXPECT_TRUE(Contains(r.out, "Started")) << r.out;

  r = Run({"-cmd=processes", "-output=json"});  // Go-style flags
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json listing = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(listing.is_object()) << r.out;
  ASSERT_TRUE(listing.contains("hello/default/0")) << r.out;
  EXPECT_EQ(listing["hello/default/0"]["description"], "a test");

  r = Run({"--cmd=duplicate", "--name=hello", "--newRevision=green", "--output=json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json duplicated = json::parse(r.out, nullptr, false);
  EXPECT_EQ(duplicated["url"], url_ + "/functions/hello/green") << r.out;
  EXPECT_EQ(Call("/functions/hello/green").body, kHelloReply);

  r = Run({"--cmd=drop", "--name=hello"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "✅ hello/default is dropped")) << r.out;
  EXPECT_EQ(Call("/functions/hello/default").status, 404);
  EXPECT_EQ(Call("/functions/hello/green").body, kHelloReply);

  r = Run({"--cmd=drop", "--name=hello", "--revision=green", "--index=0", "--output=json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out, nullptr, false)["dropped"], "hello/green/0") << r.out;
  EXPECT_EQ(Call("/functions/hello/green").status, 404);

  // the front's errors: exit 1 with the status and the body
  r = Run({"--cmd=drop", "--name=hello"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "capsctl: error: 404 Capsule process not found")) << r.err;
  r = Run({"--cmd=start", "--name=out", "--wasm=../../../../etc/passwd"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "capsctl: error: 403")) << r.err;
}

TEST_F(CapsctlTest, ApplyRouteAndUnroute) {
  const std::string dir = MakeTempDir();
  const std::string file = dir + "/functions.yaml";
  std::ofstream(file) << "functions:\n"
                         "  - {name: hello, revision: blue, args: [--wasm=hello-world.wasm]}\n"
                         "  - {name: hello, revision: green, args: [--wasm=http_test.wasm]}\n"
                         "routes: {hello: blue}\n";
  auto r = Run({"apply", "-f", file});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "started: hello/blue, hello/green")) << r.out;
  EXPECT_EQ(Call("/functions/hello").body, kHelloReply);
  r = Run({"--cmd=apply", "--file=" + file, "--output=json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["unchanged"].size(), 2u) << r.out;

  r = Run({"--cmd=route", "--name=hello", "--revision=green"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "✅ hello's default calls go to green")) << r.out;
  EXPECT_EQ(Call("/functions/hello").body, R"({"hello":"world"})");
  r = Run({"--cmd=unroute", "--name=hello"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Call("/functions/hello").status, 404);  // no revision "default"
  EXPECT_EQ(Run({"--cmd=unroute", "--name=hello"}).exit_code, 1);
  EXPECT_EQ(Run({"--cmd=route", "--name=hello"}).exit_code, 2);  // --revision is required

  std::ofstream(file) << "functions: [{name: x, args: [--wasm=../../etc/passwd]}]\n";
  r = Run({"apply", "-f", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "403")) << r.err;
  EXPECT_EQ(Run({"apply", "-f", dir + "/missing.yaml"}).exit_code, 2);
  EXPECT_EQ(Run({"apply"}).exit_code, 2);
  std::filesystem::remove_all(dir);
}

TEST_F(CapsctlTest, StartJsonOutput) {
  auto r = Run(
      {"--cmd=start", "--name=hello", "--revision=blue", "--wasm=hello-world.wasm", "--stopAfter=60", "--output=json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json started = json::parse(r.out, nullptr, false);
  EXPECT_EQ(started["started"], "hello/blue/0") << r.out;
  EXPECT_EQ(started["url"], url_ + "/functions/hello/blue") << r.out;
  EXPECT_EQ(Call("/functions/hello/blue").body, kHelloReply);
  r = Run({"--cmd=processes", "--output=json"});
  json listing = json::parse(r.out, nullptr, false);
  EXPECT_TRUE(Contains(listing["hello/blue/0"]["args"].dump(), "--stopAfter=60")) << r.out;
}

TEST_F(CapsctlTest, AWrongTokenIsAnError) {
  auto r = Run({"--cmd=processes"}, "wrong");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "capsctl: error: 401")) << r.err;
  EXPECT_TRUE(Contains(r.err, "set CAPSULE_FAAS_TOKEN to the token")) << r.err;
  r = Run({"--cmd=start", "--name=hello", "--wasm=hello-world.wasm"}, "wrong");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(Contains(r.out, "is started")) << r.out;
}

TEST(Capsctl, AMissingTokenIsAUsageError) {
  auto r = Capsctl({"--cmd=processes"}, {"CAPSULE_MAIN_PROCESS_URL=http://127.0.0.1:1", "CAPSULE_FAAS_TOKEN="});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "CAPSULE_FAAS_TOKEN is not set")) << r.err;
  EXPECT_FALSE(Contains(r.err, "cannot reach")) << "no request without a token: " << r.err;
}

TEST(Capsctl, AnUnreachableFrontIsAnError) {
  auto r = Capsctl({"--cmd=processes"}, {"CAPSULE_MAIN_PROCESS_URL=http://127.0.0.1:1", "CAPSULE_FAAS_TOKEN=x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "cannot reach the FaaS front at http://127.0.0.1:1")) << r.err;
  r = Capsctl({"--cmd=start", "--name=a", "--wasm=a.wasm"},
              {"CAPSULE_MAIN_PROCESS_URL=http://127.0.0.1:1", "CAPSULE_FAAS_TOKEN=x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(Contains(r.out, "is started")) << r.out;
}

TEST(Capsctl, UsageErrors) {
  const std::vector<std::string> env{"CAPSULE_MAIN_PROCESS_URL=http://127.0.0.1:1", "CAPSULE_FAAS_TOKEN=x"};
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{}, "no command given"},
      {{"--cmd=launch"}, "unknown command --cmd=launch"},
      {{"--cmd=start", "--wasm=a.wasm"}, "needs --name"},
      {{"--cmd=drop"}, "needs --name"},
      {{"--cmd=start", "--name=a"}, "needs --wasm"},
      {{"--cmd=duplicate", "--name=a"}, "needs --newRevision"},
      {{"--cmd=start", "--name=a", "--wasm=a.wasm", "--env=[nope"}, "--env must be a JSON array"},
      {{"--cmd=start", "--name=a", "--wasm=a.wasm", R"(--env={"K":"V"})"}, "--env must be a JSON array"},
      {{"--cmd=processes", "--output=yaml"}, "--output must be table or json"},
      {{"--cmd=drop", "--name=a", "--index=x"}, "--index must be a replica number"},
      {{"--cmd=processes", "--nope"}, "nope"},
      {{"--cmd=start", "--name=a", "--via=tcp"}, "--via must be children or nats"},
      {{"--cmd=start", "--name=a", "--via=nats", "--wasm=a.wasm"}, "--via=nats starts no child"},
  };
  for (const auto& [args, message] : cases) {
    auto r = Capsctl(args, env);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << r.err;
    EXPECT_TRUE(Contains(r.err, message)) << ::testing::PrintToString(args) << r.err;
    EXPECT_FALSE(Contains(r.err, "cannot reach")) << r.err;
  }
}

TEST(Capsctl, HelpAndVersion) {
  auto r = Capsctl({"--help"}, {});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* flag : {"--cmd", "--name", "--revision", "--newRevision", "--wasm", "--env", "--output", "--index",
                           "CAPSULE_MAIN_PROCESS_URL", "CAPSULE_FAAS_TOKEN"})
    EXPECT_TRUE(Contains(r.out, flag)) << flag << "\n" << r.out;
  r = Capsctl({"--version"}, {});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "capsctl v")) << r.out;
}

}  // namespace
}  // namespace capsule::testing
