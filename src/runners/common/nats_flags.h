// The flags that say how to reach NATS (--natssrv, --nats-creds, --nats-token, --nats-tls, --nats-ca, --nats-cert,
// --nats-key), shared by capsule-nats and the FaaS front (capsule-http --faas).
#pragma once

#include <string>
#include <string_view>

#include "host/nats_client.h"
#include "runners/common/flags.h"

namespace capsule::runners {

// The flag values, as given.
struct NatsFlags {
  std::string server;  // --natssrv: one URL or several, comma-separated
  bool tls = false;
  host::NatsConnectOptions connect;  // credentials and TLS files, bound to the flags

  // Adds the flags to flags, bound to the fields above; help_prefix starts each help text ("--faas: ").
  void Register(FlagSet& flags, std::string_view help_prefix = "");
  // The connection options: connect with url and tls from the flags, named name.
  host::NatsConnectOptions ToOptions(std::string name) const;
};

}  // namespace capsule::runners
