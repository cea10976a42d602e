// The SDKs under test: which built guests belong to each, what differs between them, and the fixture of their tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "process.h"

namespace capsule::testing {

struct SdkGuests {
  std::string name;        // the test parameter's name
  std::string prefix;      // the examples' guest names: prefix + "hello", "hello-json", "hello-http"
  std::string services;    // the guest calling every host function (tests/guests/sdk)
  std::string sdk;         // the X-Capsule-Sdk header and "sdk" health field of the HTTP example
  std::string set_handle;  // how the SDK's "no handler" message names the setter of callHandle
};

inline std::vector<SdkGuests> AllSdks() {
  return {{"Rust", "rust-", "sdk_rust_services", "rust", "capsule::set_handle in main"},
          {"AssemblyScript", "as-", "sdk_as_services", "assemblyscript", "setHandle at the top level of your module"}};
}

// Test names and failure messages show the SDK's name, not the struct's bytes.
inline void PrintTo(const SdkGuests& sdk, std::ostream* os) {
  *os << sdk.name;
}

inline std::string SdkName(const ::testing::TestParamInfo<SdkGuests>& info) {
  return info.param.name;
}

// A test run once per SDK, in a fresh working directory dir_ (removed afterwards).
class SdkTest : public ::testing::TestWithParam<SdkGuests> {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Runs build/src/runners/capsule/capsule with args in dir_, with env ("K=V") added to the environment.
  RunResult Capsule(std::vector<std::string> args, std::vector<std::string> env = {}) const {
    args.insert(args.begin(), BinaryPath("capsule"));
    RunOptions options;
    options.cwd = dir_;
    options.env = std::move(env);
    return RunProcess(args, options);
  }
  std::string dir_;
};

}  // namespace capsule::testing
