// `capsule-nats --wasm=FILE --natssrv=URL --subject=S [--queue=GROUP]`: Capsule modules as NATS message handlers.
// Core NATS (at most once, as NATS is) with queue groups to share the load between processes, or a JetStream durable
// pull consumer (at least once). The module answers with callHandle (or the richer callHandleMessage, or a legacy
// callNatsMessageHandle); an answer is the reply when the message has a reply subject.
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "runners/common/entry_points.h"
#include "runners/common/nats_flags.h"
#include "runners/messaging/message_runner.h"
#include "runners/nats/nats_source.h"
#include "serve/http_envelope.h"

namespace capsule::nats {
namespace {

constexpr char kSynopsis[] =
    "  capsule-nats --wasm=FILE --natssrv=nats://HOST:4222 --subject=SUBJECT [--queue=GROUP] [flags]\n"
    "  capsule-nats --wasm=FILE --subject=SUBJECT --stream=NAME --durable=NAME [--max-deliver=N] [flags]\n"
    "  capsule-nats --wasm=FILE --faas-function=NAME[/REVISION] [flags]   (an HTTP worker of a FaaS front)";

constexpr char kEpilog[] =
    "Each worker has its own instance and subscription. Core NATS: the workers of a process share its messages\n"
    "(a queue group of their own), and processes started with the same --queue share the subject's messages: add\n"
    "a process, on any machine, to scale out. Without --queue, every process gets every message.\n"
    "JetStream (--stream and --durable): a message is acked once its handler answered S; F, a trap or a timeout\n"
    "naks it with a growing delay (--nak-delay, doubled at each delivery up to --nak-delay-max); after\n"
    "--max-deliver deliveries it is published to --dead-letter with Capsule-Error and Capsule-Subject/Stream/\n"
    "Sequence/Deliveries headers.\n"
    "The module: callHandleMessage (a JSON envelope of the message: subject, reply, headers, data) if it exports\n"
    "it, else a legacy callNatsMessageHandle (capsulemodule), else callHandle (the payload). An S answer is the reply\n"
    "to a message with a reply subject; an F answer, a trap or a timeout replies with the error and a Capsule-Error\n"
    "header. Host functions: hostNatsPublish/Request/Reply/GetSubject/GetServer (docs/messaging.md).\n"
    "Credentials: user:password@ or token@ in the URL, --nats-token, --nats-creds; TLS: tls:// URLs, --nats-tls,\n"
    "--nats-ca, --nats-cert/--nats-key. The connection is retried forever once made; SIGINT/SIGTERM drain.\n"
    "HTTP workers (--faas-function, or --http with your own --subject): each message is an HTTP request envelope\n"
    "from a capsule-http --faas front (docs/faas.md); the module's callHandleHTTP answers it (as under\n"
    "capsule-http) and the reply goes back as an HTTP reply envelope. Workers of one function revision share its\n"
    "subject's queue group: start one more, anywhere, to scale out; stop one with SIGTERM and no call is lost.\n";

int Main(const std::vector<std::string>& args) {
  runners::MessageRunnerConfig config;
  config.program = "capsule-nats";
  config.protocol = "nats";
  NatsSourceOptions nats;
  std::string max_deliver = "5", ack_wait = "30s", nak_delay = "1s", nak_delay_max = "1m";
  bool version = false;
  std::string mode, faas_function, faas_prefix = "capsule.faas";
  runners::FlagSet flags("capsule-nats", kSynopsis);
  runners::NatsFlags connection;
  connection.server = "nats://127.0.0.1:4222";
  connection.Register(flags);
  flags.String("subject", &nats.subject, "the subject to subscribe to (NATS wildcards allowed)", "SUBJECT");
  flags.String("queue", &nats.queue, "the queue group: processes with the same one share the messages", "GROUP");
  flags.String("stream", &nats.stream, "consume this JetStream stream (with --durable) instead of core NATS", "NAME");
  flags.String("durable", &nats.durable, "the durable pull consumer's name (created if needed)", "NAME");
  flags.Bool("create-stream", &nats.create_stream, "create --stream, capturing --subject, when it does not exist");
  flags.String("max-deliver", &max_deliver, "JetStream: deliveries of a message before it is dead-lettered", "N");
  flags.String("ack-wait", &ack_wait, "JetStream: redeliver a message not acked within this time", "DURATION");
  flags.String("nak-delay", &nak_delay, "JetStream: redelivery delay after the first failure", "DURATION");
  flags.String("nak-delay-max", &nak_delay_max, "JetStream: longest redelivery delay", "DURATION");
  flags.String("dead-letter", &nats.dead_letter,
               "JetStream: the subject failed messages go to (default capsule.deadletter.<stream>)", "SUBJECT");
  flags.Bool("http", &config.http,
             "the messages are HTTP request envelopes of a FaaS front: answer them with the module's HTTP handler");
  flags.String("faas-function", &faas_function,
               "serve this function revision's HTTP calls for a capsule-http --faas front (implies --http; subject and "
               "queue group: <faas-prefix>.NAME.REVISION; REVISION defaults to \"default\")",
               "NAME[/REVISION]");
  flags.String("faas-prefix", &faas_prefix, "the subject prefix of the FaaS front's --nats-prefix", "PREFIX");
  runners::RegisterMessageRunnerFlags(flags, config);
  flags.String("mode", &mode, "Capsule v0.3's mode flag: only \"nats\" is served by this command", "MODE");
  flags.Bool("version", &version, "print the version and exit");
  flags.Epilog(kEpilog);
  if (auto code = flags.ParseCommandLine(args)) return *code;
  if (version) {
    std::puts("capsule-nats v" CAPSULE_VERSION " (Capsule C++)");
    return 0;
  }
  auto usage = [](const std::string& message) {
    runners::PrintRunnerError("capsule-nats", message);
    return 2;
  };
  if (!mode.empty() && mode != "nats") return usage("--mode=" + mode + " is served by capsule-" + mode);
  if (!faas_function.empty()) {
    const size_t slash = faas_function.find('/');
    const std::string name = faas_function.substr(0, slash);
    const std::string revision = slash == std::string::npos ? "default" : faas_function.substr(slash + 1);
    if (!serve::IsFunctionName(name) || !serve::IsFunctionName(revision))
      return usage("--faas-function=" + faas_function + ": a name and revision are [A-Za-z0-9._-]+ (NAME/REVISION)");
    if (!nats.subject.empty()) return usage("--faas-function sets the subject: leave out --subject");
    nats.subject = serve::FaasSubject(faas_prefix, name, revision);
    if (nats.queue.empty()) nats.queue = nats.subject;
    config.http = true;
  }
  if (config.http && !nats.stream.empty())
    return usage("HTTP workers use core NATS request/reply: --http and --faas-function do not go with --stream");
  nats.http = config.http;
  if (nats.subject.empty()) return usage("no subject given: use --subject=SUBJECT (see capsule-nats --help)");
  if (nats.stream.empty() != nats.durable.empty()) return usage("JetStream needs both --stream and --durable");
  {
    char* end = nullptr;
    nats.max_deliver = std::strtoll(max_deliver.c_str(), &end, 10);
    if (*end != '\0' || nats.max_deliver < 1) return usage("--max-deliver must be a number of at least 1");
    for (auto [flag, text, target] :
         {std::tuple{"ack-wait", &ack_wait, &nats.ack_wait}, std::tuple{"nak-delay", &nak_delay, &nats.nak_delay},
          std::tuple{"nak-delay-max", &nak_delay_max, &nats.nak_delay_max}}) {
      auto d = runners::ParseDuration(*text);
      if (!d) return usage(std::string("--") + flag + ": " + d.error().message);
      *target = *d;
    }
  }
  nats.server = connection.server;
  nats.connect = connection.ToOptions("capsule-nats");
  config.connect = [&nats](serve::MessageMetrics& metrics) { return ConnectNats(nats, metrics); };
  config.started_line = [&nats] {
    if (!nats.stream.empty())
      return "capsule-nats: consuming " + nats.stream + " (" + nats.subject + ") as " + nats.durable + " on " +
             nats.server;
    return std::string(nats.http ? "capsule-nats: serving HTTP on " : "capsule-nats: subscribed to ") + nats.subject +
           (nats.queue.empty() ? "" : " in queue " + nats.queue) + " on " + nats.server;
  };
  return runners::RunMessageRunner(config);
}

}  // namespace
}  // namespace capsule::nats

int capsule::runners::CapsuleNatsMain(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return capsule::nats::Main(std::vector<std::string>(argv + 1, argv + argc));
}
