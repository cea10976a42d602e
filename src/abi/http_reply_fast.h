// The fast path of DecodeHttpReply: a reply JSON in the compact, canonical form the SDKs produce is decoded
// without building a document. Anything else is left to the general decoder, which stays the reference.
#pragma once

#include <string_view>

#include "capsule/http_abi.h"

namespace capsule::internal {

// Decodes json into *reply when its JSONBody (if any) is already what the general decoder would print (compact,
// object keys sorted and unique, UTF-8 strings without escapes or characters Go escapes, integers) and every field has
// the expected type and a valid value. Returns false, leaving *reply unspecified, in every other case: the caller then
// decodes with the general decoder, so the result never differs from it.
bool DecodeCanonicalHttpReply(std::string_view json, HttpReply* reply);

// The general decoder (nlohmann's document), behind DecodeHttpReply; exposed so tests can compare both paths.
HttpReply DecodeHttpReplyDocument(std::string_view json, std::string_view export_name);

}  // namespace capsule::internal
