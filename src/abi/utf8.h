// UTF-8 validation as Go's unicode/utf8 does it, shared by the JSON code of the ABI.
#pragma once

#include <cstddef>
#include <string_view>

namespace capsule::internal {

// Length of the valid UTF-8 sequence (RFC 3629: no overlong form, no surrogate, at most U+10FFFF) starting at
// s[i] >= 0x80, or 0 when there is none: what Go's utf8.DecodeRuneInString accepts.
inline size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  const unsigned lead = byte(0);
  size_t length = 0;
  unsigned low = 0x80, high = 0xBF;  // the bounds of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (byte(1) < low || byte(1) > high) return 0;
  for (size_t k = 2; k < length; ++k)
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  return length;
}

// Whether s[i] starts U+2028 or U+2029 (line and paragraph separator), which Go's encoding/json escapes.
inline bool IsLineOrParagraphSeparator(std::string_view s, size_t i) {
  return i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
         (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8;
}

}  // namespace capsule::internal
