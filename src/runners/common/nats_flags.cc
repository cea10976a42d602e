#include "runners/common/nats_flags.h"

namespace capsule::runners {

void NatsFlags::Register(FlagSet& flags, std::string_view help_prefix) {
  const std::string p(help_prefix);
  flags.String("natssrv", &server, p + "the NATS server(s), comma-separated", "URL");
  flags.String("nats-creds", &connect.creds_file, p + "a NATS credentials file (JWT and NKey seed)", "FILE");
  flags.String("nats-token", &connect.token, p + "a NATS authentication token", "TOKEN");
  flags.Bool("nats-tls", &tls, p + "require TLS to NATS (trusting the system's CAs unless --nats-ca)");
  flags.String("nats-ca", &connect.ca_file, p + "trusted CA certificates for NATS (PEM); turns TLS on", "FILE");
  flags.String("nats-cert", &connect.cert_file, p + "a TLS client certificate for NATS (PEM)", "FILE");
  flags.String("nats-key", &connect.key_file, p + "the TLS client certificate's key (PEM)", "FILE");
}

host::NatsConnectOptions NatsFlags::ToOptions(std::string name) const {
  host::NatsConnectOptions options = connect;
  options.url = server;
  options.tls = tls;
  options.name = std::move(name);
  return options;
}

}  // namespace capsule::runners
