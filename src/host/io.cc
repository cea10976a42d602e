// hostPrintString and hostLogString: text from the guest to the host's output.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "host/group.h"

namespace capsule {
namespace {

// The current local time as Go's time.Time.String() prints it, without the monotonic clock reading:
// "2023-08-10 07:12:40.123456789 +0200 CEST" (trailing zeros of the fraction dropped).
std::string GoTimestamp() {
  auto now = std::chrono::system_clock::now();
  auto since_epoch = now.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count();
  std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  localtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
  std::string out(date);
  if (nanos != 0) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%09lld", static_cast<long long>(nanos));
    std::string f(fraction);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  char zone[64];
  std::strftime(zone, sizeof zone, " %z %Z", &tm);
  return out + zone;
}

}  // namespace

void AddIoHostFunctions(Linker& linker, const host::SharedOptions& options) {
  // (msg ptr, len): prints the message and a newline.
  DefineCapsuleHostFunction(linker, "hostPrintString", 2, [options](Caller& caller, std::span<const uint32_t> a) {
    auto message = ReadGuestBytes(caller, a[0], a[1]);
    if (!message) return Status(message.take_error());
    options->out(*message + "\n");
    return Status::Ok();
  });

  // (msg ptr, len): the current ABI prints "<timestamp> : <message>"; capsulemodule printed the bare message.
  DefineCapsuleHostFunction(linker, "hostLogString", 2, [options](Caller& caller, std::span<const uint32_t> a) {
    auto message = ReadGuestBytes(caller, a[0], a[1]);
    if (!message) return Status(message.take_error());
    if (InstanceAbi(caller.instance()) == AbiKind::kLegacy)
      options->out(*message + "\n");
    else
      options->out(GoTimestamp() + " : " + *message + "\n");
    return Status::Ok();
  });
}

}  // namespace capsule
