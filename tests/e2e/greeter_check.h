// Test support: the NATS greeter's behaviour (examples/nats-greeter and the SDKs' hello-message), checked through a
// real capsule-nats on a real nats-server.
#pragma once

#include <string>

namespace capsule::testing {

// Starts nats-server and capsule-nats serving guest (a name of CAPSULE_GUEST_DIR) on greet.* in a queue group, and
// expects it to answer "Bob" with "Hello Bob", to publish {"greeted":"Bob","on":"greet.fr"} on greetings.audit, and
// to answer an empty request with the Capsule-Error header "send a name". Reports through GoogleTest assertions.
void ExpectNatsGreeter(const std::string& guest);

}  // namespace capsule::testing
