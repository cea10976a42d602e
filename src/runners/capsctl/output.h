// What capsctl prints: the process listing as a table for people, and the results of the commands, either as
// Capsule's one-line messages or as one JSON object (--output=json).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "capsule/result.h"

namespace capsule::capsctl {

// How results are printed.
enum class OutputFormat { kTable, kJson };

// The front's listing (GET /functions/processes, a JSON object keyed "name/revision/index") as a table with the
// columns NAME, REVISION, INDEX, STATUS, PID, PORT, RESTARTS, STARTED, one row per replica, ending with a newline.
// Errors: kInvalidArgument when listing is not such a JSON object.
Result<std::string> ProcessTable(const std::string& listing);

// A command's result: Capsule's message lines for kTable, or the JSON object of fields for kJson (one line), each
// ending with a newline.
std::string ResultText(OutputFormat format, const std::vector<std::string>& lines,
                       const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace capsule::capsctl
