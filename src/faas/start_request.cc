#include "faas/start_request.h"

#include <nlohmann/json.hpp>

#include "faas/faas_route.h"

namespace capsule::faas {
namespace {

using nlohmann::json;

Error Invalid(const std::string& message) {
  return Fail(ErrorCode::kInvalidArgument, message);
}

Status ReadString(const json& body, const char* key, std::string* out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Invalid(std::string("\"") + key + "\" must be a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Status ReadStrings(const json& body, const char* key, std::vector<std::string>* out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Invalid(std::string("\"") + key + "\" must be an array of strings");
  for (const json& item : *it) {
    if (!item.is_string()) return Invalid(std::string("\"") + key + "\" must be an array of strings");
    out->push_back(item.get<std::string>());
  }
  return Status::Ok();
}

}  // namespace

Result<StartRequest> ParseStartRequest(std::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return Invalid("the body is not JSON: expected {\"name\":...,\"revision\":...,\"args\":[...]}");
  if (!doc.is_object()) return Invalid("the body must be a JSON object");
  StartRequest r;
  std::string via;
  for (auto st : {ReadString(doc, "name", &r.name), ReadString(doc, "revision", &r.revision),
                  ReadString(doc, "description", &r.description), ReadString(doc, "path", &r.path),
                  ReadStrings(doc, "args", &r.args), ReadStrings(doc, "env", &r.env), ReadString(doc, "via", &via)})
    if (!st) return st.take_error();
  if (auto it = doc.find("replicas"); it != doc.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 64)
      return Invalid("\"replicas\" must be a whole number from 1 to 64");
    r.replicas = it->get<int>();
  }
  if (r.name.empty()) return Invalid("\"name\" is required");
  if (!IsFunctionName(r.name))
    return Invalid("invalid \"name\" \"" + r.name + "\": letters, digits, '.', '_' and '-' only");
  if (r.revision.empty()) r.revision = std::string(kDefaultRevision);
  if (!IsFunctionName(r.revision))
    return Invalid("invalid \"revision\" \"" + r.revision + "\": letters, digits, '.', '_' and '-' only");
  if (!r.args.empty() && (r.args[0].empty() || r.args[0][0] != '-')) r.args.erase(r.args.begin());
  for (const std::string& kv : r.env)
    if (kv.find('=') == std::string::npos || kv[0] == '=')
      return Invalid("invalid \"env\" entry \"" + kv + "\": expected NAME=VALUE");
  if (via == "nats") {
    r.via_nats = true;
    if (!r.path.empty() || !r.args.empty() || !r.env.empty() || r.replicas)
      return Invalid(
          "a revision served \"via\": \"nats\" runs no child here: leave out path, args, env and replicas "
          "(start capsule-nats --faas-function=" +
          r.name + "/" + r.revision + " workers instead)");
  } else if (!via.empty() && via != "children") {
    return Invalid("invalid \"via\" \"" + via + "\": \"children\" (the default) or \"nats\"");
  }
  return r;
}

}  // namespace capsule::faas
