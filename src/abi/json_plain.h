// The bytes a JSON string carries as they are, as Go's encoding/json writes strings; shared by the request encoder
// and the reply decoder of the ABI, which both spend most of their time in runs of such bytes.
#pragma once

#include <array>
#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace capsule::internal {

// Whether Go's encoding/json writes byte c unchanged inside a string: printable ASCII except the quote, the
// backslash and the HTML characters <, > and & (every byte >= 0x80 needs a look at its UTF-8 sequence).
constexpr bool IsJsonPlain(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
}

inline constexpr std::array<bool, 256> kJsonPlain = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = IsJsonPlain(static_cast<unsigned char>(c));
  return table;
}();

// The first byte in [p, end) that is not plain (IsJsonPlain), or end.
inline const char* SkipJsonPlain(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i control = _mm_set1_epi8(0x1f);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i less = _mm_set1_epi8('<');
  const __m128i greater = _mm_set1_epi8('>');
  const __m128i ampersand = _mm_set1_epi8('&');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i special = _mm_cmpeq_epi8(_mm_min_epu8(v, control), v);  // v <= 0x1f, unsigned
    special = _mm_or_si128(special, _mm_cmpeq_epi8(v, quote));
    special = _mm_or_si128(special, _mm_cmpeq_epi8(v, backslash));
    special = _mm_or_si128(special, _mm_cmpeq_epi8(v, less));
    special = _mm_or_si128(special, _mm_cmpeq_epi8(v, greater));
    special = _mm_or_si128(special, _mm_cmpeq_epi8(v, ampersand));
    const unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(special) | _mm_movemask_epi8(v));  // | bytes >= 0x80
    if (bits != 0) return p + __builtin_ctz(bits);
    p += 16;
  }
#endif
  while (p < end && kJsonPlain[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

}  // namespace capsule::internal
