// One client connection of the FaaS front: its requests read one at a time, each routed (a function call to a child
// or over NATS, the admin API, the front's own paths) and answered before the next is read.
#pragma once

#include "faas/front_impl.h"

namespace capsule::faas {

// Serves socket, a connection accepted by front, on front's loop until the client or an error closes it. Returns at
// once; the session keeps itself alive through its pending handlers.
void ServeClient(Front::Impl& front, FrontSocket socket);

}  // namespace capsule::faas
