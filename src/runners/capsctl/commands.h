// capsctl's commands (start, drop, duplicate, processes, route, unroute, apply): each one request to the FaaS
// front, its answer printed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runners/capsctl/admin_client.h"
#include "runners/capsctl/output.h"

namespace capsule::capsctl {

// What the command line asks for, checked (see main.cc).
struct CtlOptions {
  std::string cmd;  // start, drop, duplicate, processes, route, unroute or apply
  std::string name, revision = "default", new_revision, description;
  std::string wasm, url, stop_after, path;
  bool via_nats = false;          // start: served by capsule-nats workers ("via": "nats"), no child
  std::vector<std::string> env;   // "K=V" entries for the child
  std::optional<unsigned> index;  // drop: one replica only
  std::string file_text;          // apply: the functions file
  OutputFormat output = OutputFormat::kTable;
};

// The body of POST /functions/start: {"name","revision","description","path","args","env"} with args
// ["", "--wasm=W"] plus "--url=U" and "--stopAfter=S" when given (the "" is Capsule's argv[0]).
std::string StartRequestBody(const CtlOptions& options);

// Runs options.cmd against client's front and prints its result on stdout. Returns the exit code: 0 on success,
// 1 after printing "capsctl: error: ..." on stderr for a non-2xx answer or a front that cannot be reached.
int RunCommand(const CtlOptions& options, const AdminClient& client);

}  // namespace capsule::capsctl
