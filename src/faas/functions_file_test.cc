#include "faas/functions_file.h"

#include <gtest/gtest.h>

namespace capsule::faas {
namespace {

TEST(FunctionsFile, YamlAndJson) {
  auto f = ParseFunctionsFile(R"(
functions:
  - name: hello
    revision: blue
    replicas: 2
    description: greets
    args: ["--wasm=hello-world.wasm", "--timeout=5s"]
    env: ["GREETING=hi"]
  - name: echo
    args: [--wasm=http_test.wasm]
  - name: report
    via: nats
routes:
  hello: blue
)");
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->functions.size(), 3u);
  EXPECT_TRUE(f->functions[2].via_nats);
  EXPECT_FALSE(f->functions[0].via_nats);
  EXPECT_EQ(f->functions[0].name, "hello");
  EXPECT_EQ(f->functions[0].replicas, 2);
  EXPECT_EQ(f->functions[0].args, (std::vector<std::string>{"--wasm=hello-world.wasm", "--timeout=5s"}));
  EXPECT_EQ(f->functions[0].env, (std::vector<std::string>{"GREETING=hi"}));
  EXPECT_EQ(f->functions[1].revision, "default");
  EXPECT_EQ(f->routes.at("hello"), "blue");
  auto j = ParseFunctionsFile(R"({"functions":[{"name":"a","args":["--wasm=x.wasm"]}],"routes":{}})");
  ASSERT_TRUE(j.ok()) << j.error().message;
  EXPECT_EQ(j->functions[0].name, "a");
  EXPECT_TRUE(ParseFunctionsFile("").ok());  // an empty file runs nothing
}

TEST(FunctionsFile, ClearErrors) {
  auto message = [](std::string_view text) {
    auto r = ParseFunctionsFile(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_NE(message("functions: [\n  {name: a,\n").find("line"), std::string::npos);
  EXPECT_NE(message("functionz: []").find("unknown key \"functionz\""), std::string::npos);
  EXPECT_NE(message("functions: [{name: a, wasm: x}]").find("functions[0]: unknown key \"wasm\""), std::string::npos);
  EXPECT_NE(message("functions: [{name: a/b}]").find("functions[0]: invalid \"name\""), std::string::npos);
  EXPECT_NE(message("functions: [{name: a}, {name: a}]").find("a/default is listed twice"), std::string::npos);
  EXPECT_NE(message("functions: [{name: a}]\nroutes: {a: blue}").find("which the file does not run"),
            std::string::npos);
  EXPECT_NE(message("functions: [{name: a, replicas: many}]").find("\"replicas\" must be a number"), std::string::npos);
  EXPECT_NE(message("functions: [{name: a, args: x}]").find("must be a list"), std::string::npos);
}

}  // namespace
}  // namespace capsule::faas
