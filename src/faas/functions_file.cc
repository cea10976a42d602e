#include "faas/functions_file.h"

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <set>

namespace capsule::faas {
namespace {

using nlohmann::json;

Error Invalid(const std::string& message) {
  return Fail(ErrorCode::kInvalidArgument, "functions file: " + message);
}

// A YAML scalar or sequence of scalars as JSON (strings stay strings; replicas becomes a number).
Result<json> EntryAsJson(const YAML::Node& entry, size_t position) {
  static const std::set<std::string> kKeys = {"name", "revision", "replicas", "description",
                                              "args", "env",      "path",     "via"};
  json out = json::object();
  for (const auto& kv : entry) {
    const std::string key = kv.first.as<std::string>();
    if (!kKeys.count(key))
      return Invalid("functions[" + std::to_string(position) + "]: unknown key \"" + key +
                     "\" (name, revision, replicas, description, args, env, path, via)");
    const YAML::Node& value = kv.second;
    if (key == "replicas") {
      int n = 0;
      if (!value.IsScalar() || !YAML::convert<int>::decode(value, n))
        return Invalid("functions[" + std::to_string(position) + "]: \"replicas\" must be a number");
      out[key] = n;
    } else if (key == "args" || key == "env") {
      if (!value.IsSequence())
        return Invalid("functions[" + std::to_string(position) + "]: \"" + key + "\" must be a list of strings");
      json list = json::array();
      for (const auto& item : value) {
        if (!item.IsScalar())
          return Invalid("functions[" + std::to_string(position) + "]: \"" + key + "\" must be a list of strings");
        list.push_back(item.as<std::string>());
      }
      out[key] = std::move(list);
    } else {
      if (!value.IsScalar())
        return Invalid("functions[" + std::to_string(position) + "]: \"" + key + "\" must be a string");
      out[key] = value.as<std::string>();
    }
  }
  return out;
}

Result<FunctionsFile> Parse(const YAML::Node& root) {
  FunctionsFile file;
  if (root.IsNull()) return file;
  if (!root.IsMap()) return Invalid("expected a map with \"functions\" and \"routes\"");
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    if (key != "functions" && key != "routes") return Invalid("unknown key \"" + key + "\" (functions, routes)");
  }
  std::set<std::pair<std::string, std::string>> seen;
  if (const YAML::Node functions = root["functions"]; functions && !functions.IsNull()) {
    if (!functions.IsSequence()) return Invalid("\"functions\" must be a list");
    size_t position = 0;
    for (const auto& entry : functions) {
      if (!entry.IsMap()) return Invalid("functions[" + std::to_string(position) + "] must be a map");
      auto as_json = EntryAsJson(entry, position);
      if (!as_json) return as_json.take_error();
      auto request = ParseStartRequest(as_json->dump());
      if (!request) return Invalid("functions[" + std::to_string(position) + "]: " + request.error().message);
      if (!seen.insert({request->name, request->revision}).second)
        return Invalid(request->name + "/" + request->revision + " is listed twice");
      file.functions.push_back(std::move(*request));
      ++position;
    }
  }
  if (const YAML::Node routes = root["routes"]; routes && !routes.IsNull()) {
    if (!routes.IsMap()) return Invalid("\"routes\" must map function names to revisions");
    for (const auto& kv : routes) {
      const std::string name = kv.first.as<std::string>();
      if (!kv.second.IsScalar()) return Invalid("routes." + name + " must be a revision");
      const std::string revision = kv.second.as<std::string>();
      if (!seen.count({name, revision}))
        return Invalid("routes." + name + " goes to " + revision + ", which the file does not run");
      file.routes[name] = revision;
    }
  }
  return file;
}

}  // namespace

Result<FunctionsFile> ParseFunctionsFile(std::string_view text) {
  try {
    return Parse(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {  // yaml-cpp reports by exception: turned into a value here
    return Invalid(std::string("line ") + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace capsule::faas
