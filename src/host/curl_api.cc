#include "host/curl_api.h"

#include "host/lazy_library.h"

namespace capsule::host {

Result<const CurlApi*> Curl() {
  static const Result<const CurlApi*>* loaded = [] {
    static LazyLibrary library("libcurl.so.4");
    static CurlApi api;
    Status st = Status::Ok();
    auto bind = [&](const char* name, auto& fn) {
      if (st) st = Bind(library, name, fn);
    };
    bind("curl_global_init", api.global_init);
    bind("curl_easy_init", api.easy_init);
    bind("curl_easy_setopt", api.easy_setopt);
    bind("curl_easy_perform", api.easy_perform);
    bind("curl_easy_getinfo", api.easy_getinfo);
    bind("curl_easy_strerror", api.easy_strerror);
    bind("curl_easy_cleanup", api.easy_cleanup);
    bind("curl_slist_append", api.slist_append);
    bind("curl_slist_free_all", api.slist_free_all);
    bind("curl_url", api.url);
    bind("curl_url_set", api.url_set);
    bind("curl_url_get", api.url_get);
    bind("curl_url_cleanup", api.url_cleanup);
    bind("curl_free", api.free);
    if (st && api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      st = Fail(ErrorCode::kInternal, "curl_global_init failed");
    return st ? new Result<const CurlApi*>(&api) : new Result<const CurlApi*>(st.take_error());
  }();
  return *loaded;
}

}  // namespace capsule::host
