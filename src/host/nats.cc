// The NATS host functions (docs/messaging.md): publish, request and reply through the runner's connection
// (capsule-nats), the runner's subject and server, and Capsule's connect-and-publish / connect-and-request to any
// server (every runner). Answers in the caller's generation: legacy `[OK](subject:data)` / plain data /
// `[ERR][0]:...`, current `S`+... / `F`+....
#include <chrono>
#include <string>

#include "host/group.h"
#include "host/nats_client.h"

namespace capsule {
namespace {

using std::chrono::milliseconds;

// The host and port a NATS URL names ("nats://user:pw@host:4222", "host:4222", "host"), for the host policy.
std::pair<std::string, int> NatsHostPort(std::string_view url) {
  if (const size_t comma = url.find(','); comma != std::string_view::npos) url = url.substr(0, comma);
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  if (const size_t at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  int port = 4222;
  const size_t colon = url.rfind(':');
  if (colon != std::string_view::npos && url.find(']') == std::string_view::npos) {
    port = std::atoi(std::string(url.substr(colon + 1)).c_str());
    url = url.substr(0, colon);
  }
  return {std::string(url), port};
}

// Why a module may not connect to url or publish to subject, or "" when it may.
std::string Refusal(const Policy& policy, std::string_view url, std::string_view subject) {
  if (!url.empty()) {
    auto [host, port] = NatsHostPort(url);
    if (!policy.HostAllowed(host, port))
      return "connecting to " + host + ":" + std::to_string(port) + " is not allowed (--allow-host)";
  }
  if (!policy.PublishAllowed("nats", subject))
    return "publishing to " + std::string(subject) + " is not allowed (--allow-publish)";
  return "";
}

// The runner's NATS connection, or null when the module does not run in capsule-nats.
MessageBroker* Nats(const host::SharedOptions& options) {
  return options->broker && options->broker->protocol() == "nats" ? options->broker.get() : nullptr;
}

constexpr char kNoConnection[] = "not connected to NATS: this module does not run in capsule-nats";

// "[OK](subject:data)" for legacy modules (Capsule's answer), "S"+subject for current ones.
std::string Published(AbiKind kind, std::string_view subject, std::string_view data) {
  if (kind == AbiKind::kLegacy) return "[OK](" + std::string(subject) + ":" + std::string(data) + ")";
  return HostSuccess(kind, subject);
}

// A connection of its own to url for one publish or request (hostNatsConnect*).
Result<std::unique_ptr<host::NatsConnection>> ConnectTo(std::string_view url, const host::SharedOptions& options) {
  host::NatsConnectOptions o;
  o.url = std::string(url);
  o.name = "capsule-module";
  o.reconnect = false;
  o.connect_timeout = options->broker_connect_timeout;
  return host::NatsConnection::Connect(std::move(o));
}

}  // namespace

void AddNatsHostFunctions(Linker& linker, const host::SharedOptions& options) {
  // (subject, data, ret): publishes through the runner's connection.
  DefineCapsuleHostFunction(linker, "hostNatsPublish", 6, [options](Caller& caller, std::span<const uint32_t> a) {
    auto strings = host::ReadGuestStrings<2>(caller, a);
    if (!strings) return Status(strings.take_error());
    auto& [subject, data] = *strings;
    const AbiKind kind = InstanceAbi(caller.instance());
    std::string reply;
    if (MessageBroker* nats = Nats(options); !nats) {
      reply = HostFailure(kind, kNoConnection);
    } else if (std::string why = Refusal(options->policy, {}, subject); !why.empty()) {
      reply = HostFailure(kind, why);
    } else {
      auto st = nats->Publish(subject, data, {});
      reply = st ? Published(kind, subject, data) : HostFailure(kind, st.error().message);
    }
    return ReturnBytesToGuest(caller, a[4], a[5], reply);
  });

  // (subject, data, timeout ms, ret): a request through the runner's connection; the reply's payload.
  DefineCapsuleHostFunction(linker, "hostNatsRequest", 7, [options](Caller& caller, std::span<const uint32_t> a) {
    auto strings = host::ReadGuestStrings<2>(caller, a);
    if (!strings) return Status(strings.take_error());
    auto& [subject, data] = *strings;
    const AbiKind kind = InstanceAbi(caller.instance());
    std::string reply;
    if (MessageBroker* nats = Nats(options); !nats) {
      reply = HostFailure(kind, kNoConnection);
    } else if (std::string why = Refusal(options->policy, {}, subject); !why.empty()) {
      reply = HostFailure(kind, why);
    } else {
      auto answer = nats->Request(subject, data, milliseconds(a[4] ? a[4] : 1000));
      reply = answer ? HostSuccess(kind, *answer) : HostFailure(kind, answer.error().message);
    }
    return ReturnBytesToGuest(caller, a[5], a[6], reply);
  });

  // (data, timeout s, ret): replies to the message being handled. Capsule waited up to the timeout for the next
  // message on its subject and answered that one, which was the one being handled.
  DefineCapsuleHostFunction(linker, "hostNatsReply", 5, [options](Caller& caller, std::span<const uint32_t> a) {
    auto strings = host::ReadGuestStrings<1>(caller, a);
    if (!strings) return Status(strings.take_error());
    auto& [data] = *strings;
    const AbiKind kind = InstanceAbi(caller.instance());
    MessageCall* call = caller.get<MessageCall>();
    std::string reply;
    if (!Nats(options)) {
      reply = HostFailure(kind, kNoConnection);
    } else if (!call || !call->message) {
      reply = HostFailure(kind, "nats: no message is being handled");
    } else if (call->message->reply.empty() || !call->reply) {
      reply = HostFailure(kind, "nats: message does not have a reply");
    } else if (auto st = call->reply(data); !st) {
      reply = HostFailure(kind, st.error().message);
    } else {
      call->replied = true;
      reply = kind == AbiKind::kLegacy ? Published(kind, Nats(options)->subscription(), data)
                                       : HostSuccess(kind, call->message->reply);
    }
    return ReturnBytesToGuest(caller, a[3], a[4], reply);
  });

  // (ret): the subject and the server capsule-nats was started with; empty elsewhere.
  DefineCapsuleHostFunction(linker, "hostNatsGetSubject", 2, [options](Caller& caller, std::span<const uint32_t> a) {
    MessageBroker* nats = Nats(options);
    return ReturnBytesToGuest(caller, a[0], a[1], nats ? nats->subscription() : "");
  });
  DefineCapsuleHostFunction(linker, "hostNatsGetServer", 2, [options](Caller& caller, std::span<const uint32_t> a) {
    MessageBroker* nats = Nats(options);
    return ReturnBytesToGuest(caller, a[0], a[1], nats ? nats->server() : "");
  });

  // (server, subject, data, ret): connects to server, publishes, disconnects (any runner).
  DefineCapsuleHostFunction(linker, "hostNatsConnectPublish", 8,
                            [options](Caller& caller, std::span<const uint32_t> a) {
                              auto strings = host::ReadGuestStrings<3>(caller, a);
                              if (!strings) return Status(strings.take_error());
                              auto& [server, subject, data] = *strings;
                              const AbiKind kind = InstanceAbi(caller.instance());
                              std::string reply;
                              if (std::string why = Refusal(options->policy, server, subject); !why.empty()) {
                                reply = HostFailure(kind, why);
                              } else if (auto conn = ConnectTo(server, options); !conn) {
                                reply = HostFailure(kind, conn.error().message);
                              } else {
                                Status st = (*conn)->Publish(subject, data);
                                if (st) st = (*conn)->Flush(options->broker_connect_timeout);
                                reply = st ? Published(kind, subject, data) : HostFailure(kind, st.error().message);
                              }
                              return ReturnBytesToGuest(caller, a[6], a[7], reply);
                            });

  // (server, subject, data, timeout s, ret): connects to server, sends a request, answers its reply's payload.
  DefineCapsuleHostFunction(
      linker, "hostNatsConnectRequest", 9, [options](Caller& caller, std::span<const uint32_t> a) {
        auto strings = host::ReadGuestStrings<3>(caller, a);
        if (!strings) return Status(strings.take_error());
        auto& [server, subject, data] = *strings;
        const AbiKind kind = InstanceAbi(caller.instance());
        std::string reply;
        if (std::string why = Refusal(options->policy, server, subject); !why.empty()) {
          reply = HostFailure(kind, why);
        } else if (auto conn = ConnectTo(server, options); !conn) {
          reply = HostFailure(kind, conn.error().message);
        } else {
          auto answer = (*conn)->Request(subject, data, std::chrono::seconds(a[6] ? a[6] : 1));
          reply =
              answer ? HostSuccess(kind, host::NatsPayload(answer->get())) : HostFailure(kind, answer.error().message);
        }
        return ReturnBytesToGuest(caller, a[7], a[8], reply);
      });
}

}  // namespace capsule
