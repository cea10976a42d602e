#include "faas/faas_route.h"

#include <charconv>
#include <vector>

namespace capsule::faas {
namespace {

constexpr std::string_view kPrefix = "/functions";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes a path segment; nullopt for a broken escape.
std::optional<std::string> Decode(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      out.push_back(segment[i]);
      continue;
    }
    const int hi = i + 1 < segment.size() ? HexValue(segment[i + 1]) : -1;
    const int lo = i + 2 < segment.size() ? HexValue(segment[i + 2]) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    parts.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool IsAdminWord(std::string_view s) {
  return s == "start" || s == "processes" || s == "apply" || s == "duplicate" || s == "drop" || s == "route";
}

BadRoute BadName(std::string_view what) {
  return {400, "invalid " + std::string(what) + ": names and revisions are made of letters, digits, '.', '_' and '-'"};
}

}  // namespace

FaasRoute RouteOf(std::string_view method, std::string_view target) {
  const size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q);
  if (path != kPrefix &&
      !(path.size() > kPrefix.size() && path.substr(0, kPrefix.size()) == kPrefix && path[kPrefix.size()] == '/'))
    return OtherRoute{};
  std::string_view rest = path.substr(kPrefix.size());
  if (!rest.empty()) rest.remove_prefix(1);  // the '/' after /functions
  std::vector<std::string_view> raw = rest.empty() ? std::vector<std::string_view>{} : Split(rest);
  if (raw.empty() || raw[0].empty()) return BadRoute{404, "no function named: use /functions/NAME[/REVISION]"};

  // Decodes the first n segments (the names); the rest of a call stays as sent.
  auto segment = [&](size_t i) { return Decode(raw[i]); };
  const std::string_view first = raw[0];

  if (IsAdminWord(first)) {
    const size_t args = raw.size() - 1;
    if (first == "start" || first == "processes" || first == "apply") {
      const bool get = first == "processes";
      if (args != 0) return BadRoute{404, "no such route: " + std::string(path)};
      if (method != (get ? "GET" : "POST"))
        return BadRoute{405, std::string(path) + " takes " + (get ? "GET" : "POST") + " only"};
      if (first == "start") return StartRoute{};
      if (first == "apply") return ApplyRoute{};
      return ProcessesRoute{};
    }
    std::vector<std::string> names;
    for (size_t i = 1; i < raw.size(); ++i) {
      auto s = segment(i);
      if (!s || !IsFunctionName(*s)) return i == 1 ? BadName("function name") : BadName("revision");
      names.push_back(*s);
    }
    if (first == "route") {
      if (method == "PUT") {
        if (args != 2) return BadRoute{404, "use PUT /functions/route/NAME/REVISION"};
        return RouteRoute{names[0], names[1]};
      }
      if (method == "DELETE") {
        if (args != 1) return BadRoute{404, "use DELETE /functions/route/NAME"};
        return RouteRoute{names[0], std::nullopt};
      }
      return BadRoute{405, "/functions/route takes PUT or DELETE"};
    }
    if (first == "duplicate") {
      if (args != 3) return BadRoute{404, "use PUT /functions/duplicate/NAME/REVISION/NEW_REVISION"};
      if (method != "PUT") return BadRoute{405, "/functions/duplicate takes PUT only"};
      return DuplicateRoute{names[0], names[1], names[2]};
    }
    if (args < 1 || args > 3) return BadRoute{404, "use DELETE /functions/drop/NAME[/REVISION[/INDEX]]"};
    if (method != "DELETE") return BadRoute{405, "/functions/drop takes DELETE only"};
    DropRoute drop{names[0], args >= 2 ? names[1] : std::string(kDefaultRevision), std::nullopt};
    if (args == 3) {
      unsigned index = 0;
      const auto [end, ec] = std::from_chars(names[2].data(), names[2].data() + names[2].size(), index);
      if (ec != std::errc() || end != names[2].data() + names[2].size())
        return BadRoute{400, "invalid replica index: " + names[2]};
      drop.index = index;
    }
    return drop;
  }

  auto name = segment(0);
  if (!name || !IsFunctionName(*name)) return BadName("function name");
  CallRoute call{*name, std::string(kDefaultRevision), "/"};
  if (raw.size() == 2 && raw[1].empty()) raw.pop_back();  // /functions/NAME/
  if (raw.size() >= 2) {
    auto revision = segment(1);
    if (!revision || !IsFunctionName(*revision)) return BadName("revision");
    call.revision = *revision;
  }
  if (raw.size() >= 3) {
    // Everything after /functions/NAME/REV, as the client sent it (still percent-encoded).
    const size_t skip = kPrefix.size() + 1 + raw[0].size() + 1 + raw[1].size();
    call.target = std::string(path.substr(skip));
  }
  call.target += query;
  return call;
}

}  // namespace capsule::faas
