// `capsule-mqtt --wasm=FILE --mqttsrv=tcp://HOST:1883 --topic=T [--clientId=ID] [--qos=0|1|2]`: Capsule modules as
// MQTT message handlers (MQTT 5, or 3.1.1 with --mqtt-version=3). The module answers with callHandle (or the richer
// callHandleMessage, or a legacy callMqttMessageHandle); an S answer goes to the message's MQTT 5 response topic or
// --reply-topic.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "runners/common/entry_points.h"
#include "runners/messaging/message_runner.h"
#include "runners/mqtt/mqtt_source.h"

namespace capsule::mqtt {
namespace {

constexpr char kSynopsis[] =
    "  capsule-mqtt --wasm=FILE --mqttsrv=tcp://HOST:1883 --topic=TOPIC [--clientId=ID] [--qos=0|1|2] [flags]";

constexpr char kEpilog[] =
    "The workers share one subscription (MQTT wildcards allowed): each message is handled once, by the first free\n"
    "worker. --clean-session=false keeps a persistent session (with a fixed --clientId): messages published while\n"
    "the runner is down, at QoS 1 or 2, are handled when it comes back. The connection is retried forever once\n"
    "made; SIGINT/SIGTERM close the subscription first and finish the messages already received.\n"
    "The module: callHandleMessage (a JSON envelope: topic, response topic, user properties, data, QoS) if it\n"
    "exports it, else a legacy callMqttMessageHandle (capsulemodule), else callHandle (the payload). An S answer is\n"
    "published to the message's response topic (MQTT 5, with its correlation data) or to --reply-topic; an F answer,\n"
    "a trap or a timeout publishes the error there with a Capsule-Error user property. Replies and the module's\n"
    "publishes (hostMqttPublish) go through a second connection, client id <clientId>-pub.\n"
    "Credentials: user:password@ in the URL, or --mqtt-user/--mqtt-password; TLS: ssl:// or mqtts:// URLs,\n"
    "--mqtt-ca, --mqtt-cert/--mqtt-key.\n";

int Main(const std::vector<std::string>& args) {
  runners::MessageRunnerConfig config;
  config.program = "capsule-mqtt";
  config.protocol = "mqtt";
  MqttSourceOptions mqtt;
  std::string server = "tcp://127.0.0.1:1883", qos = "1", mqtt_version = "5", keepalive = "30";
  bool version = false, clean_session = true;
  std::string mode;
  runners::FlagSet flags("capsule-mqtt", kSynopsis);
  flags.String("mqttsrv", &server, "the MQTT broker: tcp://, mqtt://, ssl://, mqtts:// or Capsule's host:port", "URL");
  flags.String("topic", &mqtt.topic, "the topic filter to subscribe to (+ and # allowed)", "TOPIC");
  flags.String("clientId", &mqtt.connect.client_id,
               "the subscriber's client id (default: capsule-mqtt-<host>-<pid>; required for a persistent session)",
               "ID");
  flags.String("qos", &qos, "QoS of the subscription and of replies", "0|1|2");
  flags.Bool("clean-session", &clean_session,
             "start a clean session (--clean-session=false: a persistent one, kept while the runner is down)");
  flags.String("reply-topic", &mqtt.reply_topic,
               "publish S answers here when a message has no MQTT 5 response topic (default: no reply)", "TOPIC");
  flags.String("mqtt-version", &mqtt_version, "MQTT protocol version: 5 or 3 (3.1.1)", "5|3");
  flags.String("mqtt-user", &mqtt.connect.username, "the user name (overrides the URL's)", "NAME");
  flags.String("mqtt-password", &mqtt.connect.password, "the password (overrides the URL's)", "PASSWORD");
  flags.String("mqtt-ca", &mqtt.connect.ca_file, "trusted CA certificates (PEM); turns TLS on", "FILE");
  flags.String("mqtt-cert", &mqtt.connect.cert_file, "a TLS client certificate (PEM)", "FILE");
  flags.String("mqtt-key", &mqtt.connect.key_file, "the TLS client certificate's key (PEM)", "FILE");
  flags.String("keepalive", &keepalive, "seconds between keep-alive pings", "SECONDS");
  runners::RegisterMessageRunnerFlags(flags, config);
  flags.String("mode", &mode, "Capsule v0.3's mode flag: only \"mqtt\" is served by this command", "MODE");
  flags.Bool("version", &version, "print the version and exit");
  flags.Epilog(kEpilog);
  if (auto code = flags.ParseCommandLine(args)) return *code;
  if (version) {
    std::puts("capsule-mqtt v" CAPSULE_VERSION " (Capsule C++)");
    return 0;
  }
  auto usage = [](const std::string& message) {
    runners::PrintRunnerError("capsule-mqtt", message);
    return 2;
  };
  if (!mode.empty() && mode != "mqtt") return usage("--mode=" + mode + " is served by capsule-" + mode);
  if (mqtt.topic.empty()) return usage("no topic given: use --topic=TOPIC (see capsule-mqtt --help)");
  if (auto st = host::CheckMqttTopicFilter(mqtt.topic); !st) return usage("--topic: " + st.error().message);
  if (!mqtt.reply_topic.empty())
    if (auto st = host::CheckMqttTopic(mqtt.reply_topic); !st) return usage("--reply-topic: " + st.error().message);
  if (qos != "0" && qos != "1" && qos != "2") return usage("--qos must be 0, 1 or 2, got \"" + qos + "\"");
  mqtt.qos = qos[0] - '0';
  if (mqtt_version != "5" && mqtt_version != "3") return usage("--mqtt-version must be 5 or 3");
  {
    char* end = nullptr;
    long k = std::strtol(keepalive.c_str(), &end, 10);
    if (*end != '\0' || k < 5 || k > 65535) return usage("--keepalive must be 5 to 65535 seconds");
    mqtt.connect.keepalive_seconds = static_cast<int>(k);
  }
  if (!clean_session && mqtt.connect.client_id.empty())
    return usage("a persistent session (--clean-session=false) needs a fixed --clientId");
  if (auto address = host::ParseMqttUrl(server); !address) return usage("--mqttsrv: " + address.error().message);
  if (mqtt.connect.client_id.empty()) {
    char name[64] = "host";
    gethostname(name, sizeof name - 1);
    mqtt.connect.client_id = "capsule-mqtt-" + std::string(name) + "-" + std::to_string(getpid());
  }
  mqtt.server = server;
  mqtt.connect.url = server;
  mqtt.connect.clean_session = clean_session;
  mqtt.connect.mqtt5 = mqtt_version == "5";
  config.connect = [&mqtt](serve::MessageMetrics& metrics) { return ConnectMqtt(mqtt, metrics); };
  config.started_line = [&mqtt] {
    return "capsule-mqtt: subscribed to " + mqtt.topic + " (QoS " + std::to_string(mqtt.qos) + ") on " + mqtt.server +
           " as " + mqtt.connect.client_id;
  };
  return runners::RunMessageRunner(config);
}

}  // namespace
}  // namespace capsule::mqtt

int capsule::runners::CapsuleMqttMain(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return capsule::mqtt::Main(std::vector<std::string>(argv + 1, argv + argc));
}
