// RedisConfigFromEnv: Capsule's REDIS_URI / REDIS_ADDR / REDIS_PWD / REDIS_DEFAULTDB.
#include <charconv>
#include <string>

#include "capsule/host.h"

namespace capsule {
namespace {

Result<int> ParseInt(const std::string& text, const char* what) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0)
    return Fail(ErrorCode::kInvalidArgument, std::string("invalid ") + what + " \"" + text + "\"");
  return value;
}

// "host:port" (or "[v6]:port", or "host") into config.
Status ParseAddr(const std::string& addr, RedisConfig& config) {
  std::string host = addr, port;
  if (!addr.empty() && addr[0] == '[') {
    auto close = addr.find(']');
    if (close == std::string::npos) return Fail(ErrorCode::kInvalidArgument, "invalid Redis address \"" + addr + "\"");
    host = addr.substr(1, close - 1);
    if (close + 1 < addr.size() && addr[close + 1] == ':') port = addr.substr(close + 2);
  } else if (auto colon = addr.rfind(':'); colon != std::string::npos) {
    host = addr.substr(0, colon);
    port = addr.substr(colon + 1);
  }
  if (!host.empty()) config.host = host;
  if (!port.empty()) {
    auto p = ParseInt(port, "Redis port");
    if (!p) return p.take_error();
    config.port = *p;
  }
  return Status::Ok();
}

}  // namespace

Result<RedisConfig> RedisConfigFromEnv(const EnvLookup& lookup) {
  RedisConfig config;
  std::string uri = lookup("REDIS_URI").value_or("");
  if (!uri.empty()) {
    const std::string scheme = "redis://";
    if (uri.compare(0, scheme.size(), scheme) != 0)
      return Fail(ErrorCode::kInvalidArgument, "REDIS_URI must start with redis:// (got \"" + uri + "\")");
    std::string rest = uri.substr(scheme.size());
    if (auto q = rest.find('?'); q != std::string::npos) rest.resize(q);
    std::string path;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      path = rest.substr(slash + 1);
      rest.resize(slash);
    }
    if (auto at = rest.rfind('@'); at != std::string::npos) {
      std::string userinfo = rest.substr(0, at);
      rest = rest.substr(at + 1);
      auto colon = userinfo.find(':');
      config.password = colon == std::string::npos ? userinfo : userinfo.substr(colon + 1);
    }
    CAPSULE_RETURN_IF_ERROR(ParseAddr(rest, config));
    if (!path.empty()) {
      auto db = ParseInt(path, "Redis database in REDIS_URI");
      if (!db) return db.take_error();
      config.db = *db;
    }
    return config;
  }
  if (auto addr = lookup("REDIS_ADDR"); addr && !addr->empty()) CAPSULE_RETURN_IF_ERROR(ParseAddr(*addr, config));
  config.password = lookup("REDIS_PWD").value_or("");
  if (auto db = lookup("REDIS_DEFAULTDB"); db && !db->empty()) {
    auto n = ParseInt(*db, "REDIS_DEFAULTDB");
    if (!n) return n.take_error();
    config.db = *n;
  }
  return config;
}

}  // namespace capsule
