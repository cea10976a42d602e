#include "runners/capsctl/commands.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace capsule::capsctl {
namespace {

// Prints text on stdout as it is.
void Print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// Prints "capsctl: error: message" on stderr; returns 1, the exit code of a failed request.
int PrintError(const std::string& message) {
  std::fprintf(stderr, "capsctl: error: %s\n", message.c_str());
  return 1;
}

// The answer's body without its trailing newlines.
std::string Trimmed(std::string body) {
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  return body;
}

// Prints a non-2xx answer: "capsctl: error: STATUS BODY", and what to do about a refused token.
void PrintFailure(const AdminAnswer& answer) {
  PrintError(std::to_string(answer.status) + " " + Trimmed(answer.body));
  if (answer.status == 401)
    std::fprintf(stderr,
                 "capsctl: the front refused the token: set CAPSULE_FAAS_TOKEN to the token capsule-http --faas "
                 "was started with\n");
}

// Sends one request; on success returns the answer's body, else prints the failure and returns nullopt.
std::optional<std::string> Call(const AdminClient& client, const std::string& method, const std::string& path,
                                const std::string& body = "") {
  auto answer = client.Send(method, path, body);
  if (!answer) {
    PrintError(answer.error().message);
    return std::nullopt;
  }
  if (answer->status < 200 || answer->status > 299) {
    PrintFailure(*answer);
    return std::nullopt;
  }
  return Trimmed(std::move(answer->body));
}

std::string FunctionUrl(const AdminClient& client, const std::string& name, const std::string& revision) {
  return client.base_url() + "/functions/" + PathSegment(name) + "/" + PathSegment(revision);
}

int Start(const CtlOptions& o, const AdminClient& client) {
  auto key = Call(client, "POST", "/functions/start", StartRequestBody(o));
  if (!key) return 1;
  const std::string url = FunctionUrl(client, o.name, o.revision);
  Print(ResultText(o.output, {"✅ " + o.name + "/" + o.revision + " is started", "ℹ️ url: " + url},
                   {{"started", *key}, {"url", url}}));
  return 0;
}

int Drop(const CtlOptions& o, const AdminClient& client) {
  std::string path = "/functions/drop/" + PathSegment(o.name) + "/" + PathSegment(o.revision);
  std::string what = o.name + "/" + o.revision;
  if (o.index) {
    path += "/" + std::to_string(*o.index);
    what += "/" + std::to_string(*o.index);
  }
  auto key = Call(client, "DELETE", path);
  if (!key) return 1;
  Print(ResultText(o.output, {"✅ " + what + " is dropped"}, {{"dropped", key->empty() ? what : *key}}));
  return 0;
}

int Duplicate(const CtlOptions& o, const AdminClient& client) {
  const std::string path =
      "/functions/duplicate/" + PathSegment(o.name) + "/" + PathSegment(o.revision) + "/" + PathSegment(o.new_revision);
  if (!Call(client, "PUT", path)) return 1;
  const std::string url = FunctionUrl(client, o.name, o.new_revision);
  Print(ResultText(o.output,
                   {"✅ " + o.name + "/" + o.revision + " is duplicated to " + o.new_revision, "ℹ️ url: " + url},
                   {{"duplicated", o.name + "/" + o.revision}, {"to", o.name + "/" + o.new_revision}, {"url", url}}));
  return 0;
}

int Processes(const CtlOptions& o, const AdminClient& client) {
  auto listing = Call(client, "GET", "/functions/processes");
  if (!listing) return 1;
  if (o.output == OutputFormat::kJson) {
    Print(*listing + "\n");
    return 0;
  }
  auto table = ProcessTable(*listing);
  if (!table) return PrintError(table.error().message);
  Print(*table);
  return 0;
}

int Route(const CtlOptions& o, const AdminClient& client) {
  const bool set = o.cmd == "route";
  const std::string path = "/functions/route/" + PathSegment(o.name) + (set ? "/" + PathSegment(o.revision) : "");
  if (!Call(client, set ? "PUT" : "DELETE", path)) return 1;
  const std::string target = set ? o.revision : "default";
  Print(ResultText(o.output, {"✅ " + o.name + "'s default calls go to " + target},
                   {{"routed", o.name}, {"to", o.name + "/" + target}}));
  return 0;
}

int Apply(const CtlOptions& o, const AdminClient& client) {
  auto answer = client.Send("POST", "/functions/apply", o.file_text);
  if (!answer) return PrintError(answer.error().message);
  const nlohmann::json report = nlohmann::json::parse(answer->body, nullptr, /*allow_exceptions=*/false);
  if (!report.is_object()) {  // a refusal before anything changed (400, 401, 403)
    PrintFailure(*answer);
    return 1;
  }
  if (o.output == OutputFormat::kJson) {
    Print(report.dump(2) + "\n");
  } else {
    std::string text;
    for (const char* part : {"started", "restarted", "stopped", "unchanged"}) {
      auto list = report.find(part);
      if (list == report.end() || !list->is_array() || list->empty()) continue;
      std::string names;
      for (const auto& name : *list) names += (names.empty() ? "" : ", ") + name.get<std::string>();
      text += std::string(part) + ": " + names + "\n";
    }
    if (auto failed = report.find("failed"); failed != report.end() && failed->is_object())
      for (auto it = failed->begin(); it != failed->end(); ++it)
        text += "failed: " + it.key() + ": " + Trimmed(it->get<std::string>()) + "\n";
    Print(text.empty() ? "nothing to do\n" : text);
  }
  if (answer->status < 200 || answer->status > 299) return PrintError("some functions did not start");
  return 0;
}

}  // namespace

std::string StartRequestBody(const CtlOptions& o) {
  if (o.via_nats) {
    const nlohmann::ordered_json body = {
        {"name", o.name}, {"revision", o.revision}, {"description", o.description}, {"via", "nats"}};
    return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  nlohmann::ordered_json args = nlohmann::ordered_json::array({"", "--wasm=" + o.wasm});
  if (!o.url.empty()) args.push_back("--url=" + o.url);
  if (!o.stop_after.empty()) args.push_back("--stopAfter=" + o.stop_after);
  nlohmann::ordered_json body = {{"name", o.name}, {"revision", o.revision}, {"description", o.description},
                                 {"path", o.path}, {"args", args},           {"env", o.env}};
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

int RunCommand(const CtlOptions& options, const AdminClient& client) {
  if (options.cmd == "start") return Start(options, client);
  if (options.cmd == "drop") return Drop(options, client);
  if (options.cmd == "duplicate") return Duplicate(options, client);
  if (options.cmd == "processes") return Processes(options, client);
  if (options.cmd == "route" || options.cmd == "unroute") return Route(options, client);
  if (options.cmd == "apply") return Apply(options, client);
  return PrintError("unknown command \"" + options.cmd + "\"");
}

}  // namespace capsule::capsctl
