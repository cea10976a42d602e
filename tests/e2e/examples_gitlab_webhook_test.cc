// examples/gitlab-webhook end to end: the real capsule-http serving the module, GitLab's event payloads (the shapes
// of GitLab's webhook documentation, in examples/gitlab-webhook/testdata) posted as GitLab posts them.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "http_client.h"
#include "process.h"

namespace capsule::testing {
namespace {

using nlohmann::json;

constexpr char kSecret[] = "s3cret-token";

std::string Payload(const std::string& name) {
  std::ifstream file(std::string(CAPSULE_EXAMPLES_DIR) + "/gitlab-webhook/testdata/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class GitlabWebhook : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ =
        std::make_unique<HttpServerProcess>(std::vector<std::string>{"--wasm=" + GuestPath("gitlab-webhook")},
                                            std::vector<std::string>{std::string("GITLAB_WEBHOOK_TOKEN=") + kSecret});
    ASSERT_GT(server_->port(), 0) << server_->Stderr();
  }
  HttpResponse Post(const std::string& event, const std::string& body, const std::string& token = kSecret) {
    std::vector<std::string> headers = {"Content-Type: application/json", "X-Gitlab-Event: " + event,
                                        "X-Gitlab-Instance: https://gitlab.example.com"};
    if (!token.empty()) headers.push_back("X-Gitlab-Token: " + token);
    return HttpRequest(server_->port(), "POST", "/", body, headers);
  }
  std::unique_ptr<HttpServerProcess> server_;
};

TEST_F(GitlabWebhook, APushIsLoggedAndAnswered) {
  auto r = Post("Push Hook", Payload("push.json"));
  ASSERT_EQ(r.status, 200) << r.body;
  json answer = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(answer.is_object()) << r.body;
  EXPECT_EQ(answer["event"], "push");
  EXPECT_EQ(answer["project"], "mike/diaspora");
  EXPECT_EQ(answer["ref"], "refs/heads/main");
  EXPECT_EQ(answer["user"], "jsmith");
  EXPECT_EQ(answer["commits"], 2);
  EXPECT_TRUE(server_->WaitForStdout("gitlab: push to mike/diaspora refs/heads/main by jsmith: 2 commit(s)"))
      << server_->Stdout();
}

TEST_F(GitlabWebhook, AMergeRequestIsLoggedAndAnswered) {
  auto r = Post("Merge Request Hook", Payload("merge_request.json"));
  ASSERT_EQ(r.status, 200) << r.body;
  json answer = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(answer.is_object()) << r.body;
  EXPECT_EQ(answer["event"], "merge_request");
  EXPECT_EQ(answer["project"], "gitlabhq/gitlab-test");
  EXPECT_EQ(answer["iid"], 1);
  EXPECT_EQ(answer["action"], "open");
  EXPECT_EQ(answer["title"], "MS-Viewport \"quoted\"");
  EXPECT_EQ(answer["source_branch"], "ms-viewport");
  EXPECT_EQ(answer["target_branch"], "master");
  EXPECT_EQ(answer["user"], "root");
  EXPECT_TRUE(server_->WaitForStdout("gitlab: merge request !1")) << server_->Stdout();
}

TEST_F(GitlabWebhook, TheTokenIsRequiredAndOtherInputIsRefused) {
  EXPECT_EQ(Post("Push Hook", Payload("push.json"), "").status, 401);
  EXPECT_EQ(Post("Push Hook", Payload("push.json"), "s3cret-tokem").status, 401);
  EXPECT_EQ(Post("Push Hook", Payload("push.json"), "s3cret-token-and-more").status, 401);
  EXPECT_EQ(Post("Push Hook", "not json").status, 400);
  auto other = Post("Pipeline Hook", R"({"object_kind":"pipeline"})");
  EXPECT_EQ(other.status, 202) << other.body;
  EXPECT_TRUE(Contains(other.body, R"("kind":"Pipeline Hook")")) << other.body;
  EXPECT_EQ(HttpRequest(server_->port(), "GET", "/", "", {std::string("X-Gitlab-Token: ") + kSecret}).status, 405);
}

TEST(GitlabWebhookUnset, WithoutASecretEveryCallIsRefused) {
  HttpServerProcess server({"--wasm=" + GuestPath("gitlab-webhook"), "--env-allow=NOTHING"});
  ASSERT_GT(server.port(), 0) << server.Stderr();
  auto r = HttpRequest(server.port(), "POST", "/", Payload("push.json"),
                       {"X-Gitlab-Event: Push Hook", std::string("X-Gitlab-Token: ") + kSecret});
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(Contains(r.body, "GITLAB_WEBHOOK_TOKEN is not set")) << r.body;
}

}  // namespace
}  // namespace capsule::testing
