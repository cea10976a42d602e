// The FaaS admin token (CAPSULE_FAAS_TOKEN): the front refuses to start without one, and every admin request must
// carry it.
#pragma once

#include <string_view>

namespace capsule::faas {

// The request header that carries the token, as Capsule's capsctl sends it (matched case-insensitively).
inline constexpr std::string_view kTokenHeader = "CAPSULE_FAAS_TOKEN";

// Whether given equals expected, in time that depends only on their lengths (not on where they differ). An empty
// expected token matches nothing.
bool TokenMatches(std::string_view expected, std::string_view given);

}  // namespace capsule::faas
