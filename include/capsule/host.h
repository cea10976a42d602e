/// @file
/// Capsule's host functions (import module "env"): printing, logging, environment, files, ... Each is registered
/// for every signature generation of the Capsule ABI and answers in the caller's generation (see capsule/abi.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "capsule/linker.h"
#include "capsule/message_abi.h"
#include "capsule/policy.h"
#include "capsule/result.h"

namespace capsule {

/// Receives text a host function prints (hostPrintString, hostLogString, hostTalk). Called with whole lines,
/// newline included; may be called from several threads at once.
using OutputSink = std::function<void(std::string_view text)>;

/// A sink writing to a file descriptor (1 = the process's stdout), each text in one write where possible.
OutputSink FdSink(int fd);

/// Looks up an environment variable for a guest; nullopt when it is unset (or hidden from the guest).
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment (getenv).
EnvLookup ProcessEnv();

/// Decides which host file a guest path means, and whether the guest may use it. Shared by all threads.
class FilePolicy {
 public:
  virtual ~FilePolicy() = default;
  /// Opens the host file guest_path names with open(2) flags (O_CLOEXEC is added; mode for O_CREAT) and returns the
  /// owned descriptor, or an error whose message the guest receives after "open <path>: " (after `F`, or
  /// `[ERR][0]:`).
  virtual Result<int> Open(std::string_view guest_path, int flags, unsigned mode) const = 0;
};

/// Files inside the granted directories only (the working directory as "." when dirs is empty). A relative guest
/// path is resolved in the grant named "." (else the first grant); an absolute one in the grant whose guest name
/// prefixes it (a "." grant also answers to its absolute host path). Resolution is done by the kernel (openat2
/// RESOLVE_BENEATH): `..` leaving the grant, and symlinks pointing outside it, are refused.
std::shared_ptr<const FilePolicy> DirectoryFilePolicy(std::vector<DirGrant> dirs);

/// Where the Redis host functions connect (capsule-abi.md 1.3).
struct RedisConfig {
  std::string host = "localhost";                   ///< server name or address
  int port = 6379;                                  ///< server port
  std::string password;                             ///< sent with AUTH when not empty
  int db = 0;                                       ///< selected with SELECT when not 0
  std::chrono::milliseconds connect_timeout{1000};  ///< for each new connection
  std::chrono::milliseconds command_timeout{2000};  ///< for each command
};

/// The Redis configuration from lookup, as Capsule read it: REDIS_URI (redis://[:password@]host:port[/db]) wins,
/// else REDIS_ADDR (host:port, default localhost:6379), REDIS_PWD and REDIS_DEFAULTDB (0). kInvalidArgument for a
/// malformed value.
Result<RedisConfig> RedisConfigFromEnv(const EnvLookup& lookup);

/// The broker connection of a message runner (capsule-nats, capsule-mqtt), shared with the messaging host functions
/// of its modules (HostOptions::broker). Thread-safe: every worker's guest calls it.
class MessageBroker {
 public:
  virtual ~MessageBroker() = default;
  /// "nats" or "mqtt": which host functions it serves (hostNats*, hostMqtt*).
  virtual std::string_view protocol() const = 0;
  /// The server as the runner was given it (hostNatsGetServer, hostMqttGetServer).
  virtual std::string server() const = 0;
  /// The subject or topic the runner subscribes to (hostNatsGetSubject, hostMqttGetTopic).
  virtual std::string subscription() const = 0;
  /// MQTT: the subscriber's client id (hostMqttGetClientId); empty for NATS.
  virtual std::string client_id() const = 0;
  /// Publishes data to subject (topic) with headers (NATS headers, MQTT 5 user properties). The host functions check
  /// Policy::PublishAllowed first. Errors: kIo when the broker cannot take it.
  virtual Status Publish(std::string_view subject, std::string_view data, const MessageHeaders& headers) = 0;
  /// NATS request/reply: the reply's payload. Errors: kIo for no responders, a timeout, a closed connection;
  /// kInvalidArgument when the protocol has no request/reply.
  virtual Result<std::string> Request(std::string_view subject, std::string_view data,
                                      std::chrono::milliseconds timeout) = 0;
};

/// The message a module's handler is serving now. The runner points the instance at it
/// (instance.data().set<MessageCall>(&call)) for the duration of the handler call; hostNatsReply answers it.
struct MessageCall {
  const Message* message = nullptr;  ///< the message being handled
  /// Sends data as the reply to message (to its reply subject or response topic). Errors: kIo.
  std::function<Status(std::string_view data)> reply;
  /// Set once the module replied itself (hostNatsReply): the runner then sends no reply of its own.
  bool replied = false;
};

/// What the host functions use. Copied into the linker's functions; defaults behave like Capsule, except that
/// files are confined to the working directory.
struct HostOptions {
  OutputSink out = FdSink(1);    ///< where hostPrint writes
  EnvLookup env = ProcessEnv();  ///< where hostGetEnv reads (before the allow-list)
  /// Capabilities and limits (environment allow-list, directories, outbound HTTP, cache limits).
  Policy policy;
  /// Overrides policy.dirs when set.
  std::shared_ptr<const FilePolicy> files;
  /// Redis server of hostRedis*; unset: RedisConfigFromEnv(ProcessEnv()) at registration (an invalid value makes
  /// every Redis call an F result naming it).
  std::optional<RedisConfig> redis;
  /// hostTalk's answer.
  std::string talk_reply = "Hello \xF0\x9F\x98\x80 I'm the host";
  /// hostGetHostInformation's answer (legacy modules).
  std::string host_information;
  /// The runner's broker connection (capsule-nats, capsule-mqtt); null in other runners, where hostNatsPublish and
  /// the like answer an error and only hostNatsConnectPublish / Request and hostMqttConnectPublish, which connect
  /// on their own, work.
  std::shared_ptr<MessageBroker> broker;
  /// How long hostNatsConnectPublish / Request and hostMqttConnectPublish may take to connect and publish.
  std::chrono::milliseconds broker_connect_timeout{5000};
};

/// The HTTP request a legacy `callHandleHttp(reqId)` call answers. The runner points the instance at it
/// (instance.data().set<LegacyRequest>(&request)) for the duration of the call; hostRequestParamsGet reads it.
struct LegacyRequest {
  uint32_t id = 0;      ///< the reqId the guest passes back
  std::string body;     ///< the request body
  std::string headers;  ///< JoinLegacyHeaders(request, LegacyHttpShape::kRequestId)
  std::string uri;      ///< the absolute request URI
  std::string method;   ///< GET, POST, ...
};

/// A Capsule host function: every parameter is an i32 (read as u32). Returning an error traps the guest with its
/// message.
using CapsuleHostFn = std::function<Status(Caller& caller, std::span<const uint32_t> args)>;

/// Registers fn as "env".name with param_count i32 parameters, twice: with an i32 result (always 0; current ABI and
/// capsulemodule v0.3.x) and with no result (capsulemodule before v0.3.0).
void DefineCapsuleHostFunction(Linker& linker, std::string name, size_t param_count, CapsuleHostFn fn);

/// Registers every Capsule host function this library provides (src/host/groups.inc lists the groups): hostPrintString,
/// hostLogString, hostTalk, hostGetEnv, hostReadFile, hostWriteFile, hostHTTP, hostCacheSet/Get/Del/Keys,
/// hostRedisSet/Get/Del/Keys, hostNatsPublish/Request/Reply/GetSubject/GetServer/ConnectPublish/ConnectRequest,
/// hostMqttPublish/GetTopic/GetServer/GetClientId/ConnectPublish (docs/messaging.md), and for legacy modules
/// hostRequestParamsGet, hostGetHostInformation, hostHttp, hostMemorySet/Get/Keys, hostCouchBaseQuery (not
/// supported: an error result).
void AddCapsuleHostFunctions(Linker& linker, const HostOptions& options = {});

}  // namespace capsule
