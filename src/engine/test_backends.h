// For engine tests that run on every backend: the backends' names and a module loader.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "capsule/engine.h"

namespace capsule::testing {

// The backends the tests run on: CMake's CAPSULE_TEST_BACKENDS ("v8", ...).
inline std::vector<std::string> TestBackends() {
  std::vector<std::string> names;
  std::stringstream list(CAPSULE_TEST_BACKENDS);
  for (std::string name; std::getline(list, name, ',');) names.push_back(name);
  return names;
}

// A test fixture parameterized by backend name: its engine, one context, and guest modules compiled in it.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.backend = GetParam();
    auto engine = Engine::Create(options);
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    engine_ = *engine;
    auto context = engine_->NewContext();
    ASSERT_TRUE(context.ok()) << context.error().message;
    context_ = std::move(*context);
  }

  // The guest CAPSULE_GUEST_DIR/name.wasm, compiled.
  std::shared_ptr<const Module> Guest(const std::string& name) {
    auto bytes = ReadFileBytes(std::string(CAPSULE_GUEST_DIR) + "/" + name + ".wasm");
    EXPECT_TRUE(bytes.ok()) << bytes.error().message;
    if (!bytes) return nullptr;
    auto module = context_->Compile(*bytes);
    EXPECT_TRUE(module.ok()) << module.error().message;
    return module ? *module : nullptr;
  }

  std::shared_ptr<Engine> engine_;
  std::unique_ptr<Context> context_;  // tests destroy their instances (and objects) before it
};

}  // namespace capsule::testing
