// The functions file of the FaaS front (--config=FILE at start, POST /functions/apply later): every function
// revision that should run, with its flags and replicas, and the routes of default revisions. YAML or JSON:
//
//   functions:
//     - name: hello
//       revision: blue          # default: "default"
//       replicas: 2             # default: the front's --replicas
//       description: greets
//       args: ["--wasm=hello-world.wasm", "--timeout=5s"]
//       env: ["GREETING=hi"]
//     - name: report
//       via: nats               # served by capsule-nats --faas-function=report workers
//   routes:
//     hello: blue               # /functions/hello calls blue
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "capsule/result.h"
#include "faas/start_request.h"

namespace capsule::faas {

// A functions file, checked: each entry as a start request would be (ParseStartRequest's rules).
struct FunctionsFile {
  std::vector<StartRequest> functions;
  std::map<std::string, std::string> routes;  // function -> revision
};

// Parses text. Errors (kInvalidArgument): YAML syntax (with the line), an unknown top-level or entry key, an entry
// that ParseStartRequest refuses (the entry's position and name in the message), the same revision twice, a route to
// a revision the file does not run.
Result<FunctionsFile> ParseFunctionsFile(std::string_view text);

}  // namespace capsule::faas
