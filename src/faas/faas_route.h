// FaaS front routes: what a request path of `capsule-http --faas` asks for, in Capsule's vocabulary
// (docs/faas-capsule-go.md) with its gaps closed: calls keep their sub-path and query string, and the admin routes
// are told apart from calls by path alone (the token decides later whether an admin request may run).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "serve/http_envelope.h"

namespace capsule::faas {

// The revision a call or a drop means when the path names none.
inline constexpr std::string_view kDefaultRevision = "default";

// POST /functions/start: start a function revision (body: StartRequest).
struct StartRoute {};
// GET /functions/processes: list every replica.
struct ProcessesRoute {};
// POST /functions/apply: make the running functions and routes those of a functions file (the body).
struct ApplyRoute {};
// PUT /functions/duplicate/NAME/REV/NEWREV: serve NAME/REV's module as NEWREV too.
struct DuplicateRoute {
  std::string name, revision, new_revision;
};
// DELETE /functions/drop/NAME[/REV[/INDEX]]: stop a revision (every replica) or one replica of it.
struct DropRoute {
  std::string name, revision;     // revision: kDefaultRevision when the path has none
  std::optional<unsigned> index;  // one replica; none: all of the revision
};
// PUT /functions/route/NAME/REV: calls of NAME's default revision go to REV from now on (blue/green);
// DELETE /functions/route/NAME: they go to the revision named "default" again.
struct RouteRoute {
  std::string name;
  std::optional<std::string> revision;  // none: remove the route
};
// ANY /functions/NAME[/REV[/SUB/PATH]][?QUERY]: a call of a function revision. target is what the child receives:
// the sub-path (at least "/") and the query string, unchanged.
struct CallRoute {
  std::string name, revision, target;
};
// Any other path of the front (/, /health, ...), not under /functions/: the front's own or the index.page function.
struct OtherRoute {};
// A path under /functions/ that names no route (e.g. an admin path with the wrong method or segment count), with
// the status to answer (404 or 405) and a message.
struct BadRoute {
  int status;
  std::string message;
};

using FaasRoute = std::variant<StartRoute, ProcessesRoute, ApplyRoute, DuplicateRoute, DropRoute, RouteRoute, CallRoute,
                               OtherRoute, BadRoute>;

// Classifies method + target (the request line's target: path and query). Segments are percent-decoded; names and
// revisions must match [A-Za-z0-9._-]+ (anything else is a BadRoute 400, so that a name can be a file name). The
// admin words (start, processes, apply, duplicate, drop, route) are reserved: no function may be called by them.
FaasRoute RouteOf(std::string_view method, std::string_view target);

using serve::IsFunctionName;  // whether text can name a function or a revision

}  // namespace capsule::faas
