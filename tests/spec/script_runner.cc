// The commands of a spec script, each checked as the reference interpreter checks it.
#include "script_runner.h"

#include "spectest_host.h"

namespace capsule::spec {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// Whether a trap error is the one the script expects: the kind whose wording its text starts with.
bool TrapAsExpected(const Error& error, const std::string& expected_text, CommandResult& result) {
  auto expected = TrapKindOf(expected_text);
  auto reported = TrapKindOf(error.message);
  if (error.code != ErrorCode::kTrap || !expected || !reported || !TrapMayBe(*reported, *expected)) {
    result.outcome = CommandResult::kFailed;
    result.message = "expected the trap \"" + expected_text + "\", got " + error.code_name() + ": " + error.message;
    return false;
  }
  result.two_trap_kind = *reported != *expected;
  return true;
}

}  // namespace

ScriptRunner::ScriptRunner(std::shared_ptr<Engine> engine, std::filesystem::path dir)
    : engine_(std::move(engine)), dir_(std::move(dir)) {}

Result<std::vector<CommandResult>> ScriptRunner::Run(const json& script) {
  if (!script.is_object() || !script.contains("commands") || !script["commands"].is_array())
    return Fail(ErrorCode::kInvalidArgument, "not a wast2json script");
  auto context = engine_->NewContext();
  if (!context) return context.take_error();
  context_ = std::move(*context);
  linker_ = std::make_shared<Linker>();
  if (auto st = DefineSpectest(*context_, *linker_); !st) return st.take_error();
  std::vector<CommandResult> results;
  for (const json& command : script["commands"]) {
    CommandResult& result = results.emplace_back();
    result.line = command.value("line", 0);
    result.type = Str(command, "type");
    RunCommand(command, result);
  }
  return results;
}

Result<std::shared_ptr<const Module>> ScriptRunner::CompileFile(const json& command) {
  auto bytes = ReadFileBytes((dir_ / Str(command, "filename")).string());
  if (!bytes) return bytes.take_error();
  return context_->Compile(*bytes);
}

Result<Instance*> ScriptRunner::Instantiate(const json& command) {
  auto module = CompileFile(command);
  if (!module) return module.take_error();
  auto instance = context_->Instantiate(*module, linker_);
  if (!instance) return instance.take_error();
  instances_.push_back(std::move(*instance));
  return instances_.back().get();
}

Result<Instance*> ScriptRunner::Target(const json& names, const char* key) {
  const std::string name = Str(names, key);
  if (name.empty()) {
    if (!current_) return Fail(ErrorCode::kNotFound, "no module to act on");
    return current_;
  }
  auto it = named_.find(name);
  if (it == named_.end()) return Fail(ErrorCode::kNotFound, "no module named " + name);
  return it->second;
}

Result<std::vector<Value>> ScriptRunner::Perform(const json& action) {
  auto instance = Target(action, "module");
  if (!instance) return instance.take_error();
  const std::string field = Str(action, "field");
  if (Str(action, "type") == "get") {
    auto object = (*instance)->GetExport(field);
    if (!object) return object.take_error();
    if (object->kind() != ExternKind::kGlobal) return Fail(ErrorCode::kInvalidArgument, field + " is not a global");
    auto value = object->global()->Get();
    if (!value) return value.take_error();
    return std::vector<Value>{*value};
  }
  std::vector<Value> args;
  for (const json& arg : action.value("args", json::array())) {
    auto value = ParseValue(arg, refs_);
    if (!value) return value.take_error();
    args.push_back(*value);
  }
  auto f = (*instance)->GetFunc(field);
  if (!f) return f.take_error();
  std::vector<Value> results(f->type->results.size());
  if (auto st = (*instance)->Call(*f, args, results); !st) return st.take_error();
  return results;
}

std::string ScriptRunner::CompareResults(const json& expected, const std::vector<Value>& results) {
  if (!expected.is_array() || expected.size() != results.size())
    return "expected " + std::to_string(expected.size()) + " results, got " + std::to_string(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    auto ok = Matches(expected[i], results[i], refs_);
    if (!ok) return ok.error().message;
    if (!*ok)
      return "result " + std::to_string(i) + ": expected " + expected[i].dump() + ", got " +
             Describe(results[i], refs_);
  }
  return "";
}

void ScriptRunner::RunCommand(const json& command, CommandResult& result) {
  auto fail = [&](std::string message) {
    result.outcome = CommandResult::kFailed;
    result.message = std::move(message);
  };
  auto failed_with = [&](const Error& e) { fail(std::string(e.code_name()) + ": " + e.message); };
  const std::string& type = result.type;

  if (type == "module") {
    current_ = nullptr;  // commands on a module that failed must fail too, not act on an older one
    auto instance = Instantiate(command);
    if (!instance) return failed_with(instance.error());
    current_ = *instance;
    if (const std::string name = Str(command, "name"); !name.empty()) named_[name] = current_;
  } else if (type == "register") {
    auto instance = Target(command, "name");
    if (!instance) return failed_with(instance.error());
    if (auto st = linker_->DefineInstance(Str(command, "as"), **instance); !st) return failed_with(st.error());
  } else if (type == "action") {
    auto results = Perform(command["action"]);
    if (!results) return failed_with(results.error());
  } else if (type == "assert_return") {
    auto results = Perform(command["action"]);
    if (!results) return failed_with(results.error());
    if (std::string why = CompareResults(command["expected"], *results); !why.empty()) return fail(why);
  } else if (type == "assert_trap" || type == "assert_exhaustion") {
    auto results = Perform(command["action"]);
    if (results) return fail("expected the trap \"" + Str(command, "text") + "\", but the call returned");
    TrapAsExpected(results.error(), Str(command, "text"), result);
  } else if (type == "assert_invalid" || type == "assert_malformed") {
    if (Str(command, "module_type") == "text") {
      result.outcome = CommandResult::kSkipped;
      result.message = "text-format module";
      return;
    }
    auto module = CompileFile(command);
    if (module) return fail("expected an invalid module (" + Str(command, "text") + "), but it compiled");
    if (module.error().code != ErrorCode::kInvalidModule) return failed_with(module.error());
  } else if (type == "assert_unlinkable" || type == "assert_uninstantiable") {
    auto instance = Instantiate(command);
    const std::string text = Str(command, "text");
    if (instance) return fail("expected \"" + text + "\" while instantiating, but it succeeded");
    const Error& e = instance.error();
    if (type == "assert_uninstantiable") {
      TrapAsExpected(e, text, result);
    } else if (e.code != ErrorCode::kLinkError || e.message.rfind(text, 0) != 0) {
      fail("expected the link error \"" + text + "\", got " + e.code_name() + ": " + e.message);
    }
  } else {
    fail("unknown command type \"" + type + "\"");
  }
}

}  // namespace capsule::spec
