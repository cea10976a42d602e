// Capsule's host functions (import module "env"): printing, logging, environment, files, ... Each is registered
// for every signature generation of the Capsule ABI and answers in the caller's generation (see capsule/abi.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "capsule/linker.h"
#include "capsule/result.h"

namespace capsule {

// Receives text a host function prints (hostPrintString, hostLogString, hostTalk). Called with whole lines,
// newline included; may be called from several threads at once.
using OutputSink = std::function<void(std::string_view text)>;

// A sink writing to a file descriptor (1 = the process's stdout), each text in one write where possible.
OutputSink FdSink(int fd);

// Looks up an environment variable for a guest; nullopt when it is unset (or hidden from the guest).
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv).
EnvLookup ProcessEnv();

// What a guest wants to do with a file.
enum class FileAccess : uint8_t { kRead, kWrite };

// Decides which host file a guest path means, and whether the guest may use it. Shared by all threads.
class FilePolicy {
 public:
  virtual ~FilePolicy() = default;
  // The host path to open for guest_path, or an error whose message the guest receives (after `F`, or `[ERR][0]:`).
  virtual Result<std::string> Resolve(std::string_view guest_path, FileAccess access) const = 0;
};

// Every path allowed, relative paths resolved against the process's working directory (Capsule's behaviour).
std::shared_ptr<const FilePolicy> WorkingDirectoryFilePolicy();

// What the host functions use. Copied into the linker's functions; defaults behave like Capsule.
struct HostOptions {
  OutputSink out = FdSink(1);
  EnvLookup env = ProcessEnv();
  std::shared_ptr<const FilePolicy> files = WorkingDirectoryFilePolicy();
  // hostTalk's answer.
  std::string talk_reply = "Hello \xF0\x9F\x98\x80 I'm the host";
  // hostGetHostInformation's answer (legacy modules).
  std::string host_information;
};

// The HTTP request a legacy `callHandleHttp(reqId)` call answers. The runner points the instance at it
// (instance.data().set<LegacyRequest>(&request)) for the duration of the call; hostRequestParamsGet reads it.
struct LegacyRequest {
  uint32_t id = 0;
  std::string body;
  std::string headers;  // "Name:Value" entries joined with U+00B3 "³"
  std::string uri;
  std::string method;
};

// A Capsule host function: every parameter is an i32 (read as u32). Returning an error traps the guest with its
// message.
using CapsuleHostFn = std::function<Status(Caller& caller, std::span<const uint32_t> args)>;

// Registers fn as "env".name with param_count i32 parameters, twice: with an i32 result (always 0; current ABI and
// capsulemodule v0.3.x) and with no result (capsulemodule before v0.3.0).
void DefineCapsuleHostFunction(Linker& linker, std::string name, size_t param_count, CapsuleHostFn fn);

// Registers every Capsule host function this library provides: hostPrintString, hostLogString, hostTalk,
// hostGetEnv, hostReadFile, hostWriteFile, and for legacy modules hostRequestParamsGet, hostGetHostInformation
// (src/host/groups.inc lists the groups).
void AddCapsuleHostFunctions(Linker& linker, const HostOptions& options = {});

}  // namespace capsule
