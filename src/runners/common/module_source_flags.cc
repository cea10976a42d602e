#include "runners/common/module_source_flags.h"

namespace capsule::runners {

void ModuleSourceFlags::Register(FlagSet& flags) {
  flags.String("wasm", &wasm, "the module file (with --url: where the download is saved)", "FILE");
  flags.String("url", &url, "download the module from this URL", "URL");
  flags.String("authHeaderName", &auth_header_name, "header name sent with the download (e.g. PRIVATE-TOKEN)", "NAME");
  flags.String("authHeaderValue", &auth_header_value, "header value sent with the download", "VALUE");
}

}  // namespace capsule::runners
