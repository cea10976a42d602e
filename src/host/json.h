// The little JSON the host functions need: Go-compatible string quoting, and a lenient reader for the request
// objects guests build by string concatenation.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capsule/result.h"

namespace capsule::host {

// text as a JSON string literal, quoted and escaped exactly as Go's encoding/json does (JsonEscape).
std::string JsonQuote(std::string_view text);

// {"keys":["k1",...]} with each key quoted by JsonQuote.
std::string JsonKeys(const std::vector<std::string>& keys);

// The members of a JSON object, each value as its raw source text (a string value keeps its quotes). Lenient:
// control characters inside strings are accepted. kInvalidArgument naming the offset of the first error, or
// when text is not one object.
Result<std::vector<std::pair<std::string, std::string>>> ParseJsonObject(std::string_view text);

// Whether text is exactly one JSON value (surrounding whitespace allowed).
bool IsJsonValue(std::string_view text);

// The content of a raw JSON string value ("a\nb" -> a, newline, b); a non-string raw value is returned as is.
std::string JsonStringContent(std::string_view raw);

}  // namespace capsule::host
