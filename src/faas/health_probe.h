// A minimal blocking HTTP/1.1 GET over loopback, for health checks of the children.
#pragma once

#include <chrono>
#include <string>

#include "capsule/result.h"

namespace capsule::faas {

// Sends `GET path` to 127.0.0.1:port and returns the response's status code; fails with kIo when the connection
// or the exchange fails, and with kInterrupted when no status line came within timeout.
Result<int> ProbeHttpStatus(int port, const std::string& path, std::chrono::milliseconds timeout);

}  // namespace capsule::faas
