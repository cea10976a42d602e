// Runs the commands of one spec script (wast2json's JSON and .wasm files) through the public HDK API.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "capsule/engine.h"
#include "spec_values.h"

namespace capsule::spec {

// What became of one command.
struct CommandResult {
  enum Outcome { kPassed, kFailed, kSkipped };
  int line = 0;
  std::string type;  // "assert_return", "module", ...
  Outcome outcome = kPassed;
  std::string message;         // why it failed or was skipped
  bool two_trap_kind = false;  // passed with a trap the backend reports as one of two kinds (capsule/trap.h)
};

// Runs one script in a fresh Context of engine: every module, register, action and assertion, in order. Only
// text-format assert_malformed modules (a text parser is no part of the HDK) are skipped.
class ScriptRunner {
 public:
  // dir holds the script's .wasm files.
  ScriptRunner(std::shared_ptr<Engine> engine, std::filesystem::path dir);

  // The result of each command. Errors: the context or the spectest module could not be made, or the JSON is not
  // a wast2json script.
  Result<std::vector<CommandResult>> Run(const nlohmann::json& script);

 private:
  // Runs one command; fills result's outcome and message.
  void RunCommand(const nlohmann::json& command, CommandResult& result);
  // Compiles (and, for instantiate, instantiates) the module file of a command.
  Result<std::shared_ptr<const Module>> CompileFile(const nlohmann::json& command);
  Result<Instance*> Instantiate(const nlohmann::json& command);
  // The instance a command's action or register names ("module"/"name", or the latest).
  Result<Instance*> Target(const nlohmann::json& names, const char* key);
  // Performs an action (invoke or get) and returns its results.
  Result<std::vector<Value>> Perform(const nlohmann::json& action);
  // Why results are not what the command expects, or "" when they are.
  std::string CompareResults(const nlohmann::json& expected, const std::vector<Value>& results);

  std::shared_ptr<Engine> engine_;
  std::filesystem::path dir_;
  ExternRefs refs_;
  // Destroyed in reverse: instances first, then the linker, then the context they belong to.
  std::unique_ptr<Context> context_;
  std::shared_ptr<Linker> linker_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::map<std::string, Instance*> named_;
  Instance* current_ = nullptr;
};

}  // namespace capsule::spec
