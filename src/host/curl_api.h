// libcurl's functions the HDK uses (outbound HTTP, module downloads), resolved from libcurl.so.4 on first use
// (host/lazy_library.h). Members drop the curl_ prefix: libcurl defines some names as type-checking macros.
#pragma once

#include <curl/curl.h>

#include "capsule/result.h"

namespace capsule::host {

// Pointers to the libcurl functions below.
struct CurlApi {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_url) url;
  decltype(&::curl_url_set) url_set;
  decltype(&::curl_url_get) url_get;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_free) free;
};

// libcurl, loaded and globally initialized once. Errors: kNotFound when libcurl cannot be loaded (named).
Result<const CurlApi*> Curl();

}  // namespace capsule::host
