// Redis for hostRedis*: one hiredis connection per thread and server, opened lazily, reopened after an error.
#pragma once

#include <string>
#include <vector>

#include "capsule/host.h"
#include "capsule/result.h"

namespace capsule::host {

// A Redis answer, flattened for the host functions.
struct RedisValue {
  enum class Kind { kNil, kString, kInteger, kArray, kStatus } kind = Kind::kNil;
  std::string text;                // kString, kStatus; kInteger as decimal
  std::vector<std::string> items;  // kArray (of strings)
};

// Runs one command (argv, binary-safe) on this thread's connection to config's server. A broken connection
// (e.g. the server restarted) is dropped and the command retried once on a fresh one. Errors, all kIo with a
// message for the guest: cannot connect, timeout (config.command_timeout), connection lost, or the server's own
// error reply. Never blocks longer than connect_timeout + 2 * command_timeout.
Result<RedisValue> RedisCommand(const RedisConfig& config, const std::vector<std::string>& argv);

}  // namespace capsule::host
