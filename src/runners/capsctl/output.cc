#include "runners/capsctl/output.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

namespace capsule::capsctl {
namespace {

using nlohmann::json;

constexpr size_t kColumns = 8;
using Row = std::array<std::string, kColumns>;

// A field of a record as text: strings as they are, numbers as JSON writes them, "" when absent.
std::string Field(const json& record, const char* key) {
  auto it = record.find(key);
  if (it == record.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump(-1, ' ', false, json::error_handler_t::replace);
}

// An RFC 3339 time to the second ("2026-12-02T16:05:03Z"); Go's zero time as "-".
std::string Started(const std::string& time) {
  if (time.empty() || time.rfind("0001-01-01", 0) == 0) return "-";
  return time.size() > 19 ? time.substr(0, 19) + "Z" : time;
}

}  // namespace

Result<std::string> ProcessTable(const std::string& listing) {
  const json doc = json::parse(listing, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Fail(ErrorCode::kInvalidArgument, "the front's process listing is not a JSON object");
  std::vector<Row> rows{{"NAME", "REVISION", "INDEX", "STATUS", "PID", "PORT", "RESTARTS", "STARTED"}};
  for (const auto& [key, record] : doc.items()) {
    if (!record.is_object())
      return Fail(ErrorCode::kInvalidArgument, "the front's process listing has a record that is not an object");
    rows.push_back({Field(record, "functionName"), Field(record, "functionRevision"), Field(record, "index"),
                    Field(record, "statusDescription"), Field(record, "pid"), Field(record, "httpPort"),
                    Field(record, "restarts"), Started(Field(record, "startedAt"))});
  }
  std::array<size_t, kColumns> width{};
  for (const Row& row : rows)
    for (size_t i = 0; i < kColumns; ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (const Row& row : rows) {
    std::string line;
    for (size_t i = 0; i < kColumns; ++i) {
      line += row[i];
      if (i + 1 < kColumns) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string ResultText(OutputFormat format, const std::vector<std::string>& lines,
                       const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const auto& [key, value] : fields) object[key] = value;
    return object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  }
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace capsule::capsctl
