// The one function libcapsule_fetch.so exports, as the HDK (fetch_loader.cc) calls it. The name carries the
// interface's version: a library built from other sources is refused instead of misread.
#pragma once

#include "fetch/fetch.h"

namespace capsule::fetch {

// Fills *out with the outcome of *request (see Fetch). Never throws.
using FetchEntry = void (*)(const FetchRequest* request, Result<FetchResponse>* out);

inline constexpr char kFetchEntryName[] = "capsule_fetch_v2";

}  // namespace capsule::fetch
