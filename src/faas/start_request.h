// The body of POST /functions/start, Capsule's data.CapsuleTask: {"name","revision","description","path","args",
// "env"}, read and checked.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "capsule/result.h"

namespace capsule::faas {

// A request to start a function revision.
struct StartRequest {
  std::string name;
  std::string revision;  // "default" when the body has none
  std::string description;
  std::string path;               // the program to start; empty: our own capsule-http
  std::vector<std::string> args;  // the child's flags (Capsule's leading argv[0] entry removed)
  std::vector<std::string> env;   // "K=V" entries added to the child's environment
  int replicas = 0;               // children of the revision (1 to 64); 0: the front's --replicas
  // "via": "nats" (ours): the revision runs no child; its calls go over NATS to capsule-nats --faas-function
  // workers (docs/faas.md). "children" (the default): local capsule-http children.
  bool via_nats = false;
};

// Parses body. Capsule's clients send args with argv[0] first (capsctl sends ""): a first entry that does not start
// with '-' is taken as that and dropped. "replicas" (ours) is optional. Errors (kInvalidArgument, the message says
// which field and why): not a JSON object, a missing or invalid name or revision (IsFunctionName), a field of the
// wrong type, an env entry without '=', replicas outside 1 to 64.
Result<StartRequest> ParseStartRequest(std::string_view body);

}  // namespace capsule::faas
