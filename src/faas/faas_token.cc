#include "faas/faas_token.h"

#include <cstdint>

namespace capsule::faas {

bool TokenMatches(std::string_view expected, std::string_view given) {
  if (expected.empty()) return false;
  // Every byte of given is compared with a byte of expected (cycled), so the time does not tell where they differ.
  uint8_t diff = expected.size() == given.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i) diff |= static_cast<uint8_t>(given[i] ^ expected[i % expected.size()]);
  volatile uint8_t result = diff;  // keep the loop from being shortened
  return result == 0 && !given.empty();
}

}  // namespace capsule::faas
