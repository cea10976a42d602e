// Host functions only capsulemodule (legacy) modules import. Every v0.2.9+ module that links the HTTP handler
// imports hostRequestParamsGet, even when run from the CLI, so it must exist for such modules to instantiate.
#include <string>
#include <vector>

#include "host/group.h"

namespace capsule {

void AddLegacyHostFunctions(Linker& linker, const host::SharedOptions& options) {
  // (reqId, retPtrPtr, retLenPtr): "body²headers²uri²method" of the instance's LegacyRequest with that id, else
  // "[ERR][0]:key (requestId) does not exist".
  DefineCapsuleHostFunction(linker, "hostRequestParamsGet", 3, [](Caller& caller, std::span<const uint32_t> a) {
    const LegacyRequest* request = caller.get<LegacyRequest>();
    std::string reply;
    if (request && request->id == a[0])
      reply = JoinLegacyArgs(std::vector<std::string>{request->body, request->headers, request->uri, request->method});
    else
      reply = HostFailure(AbiKind::kLegacy, "key (requestId) does not exist");
    return ReturnBytesToGuest(caller, a[1], a[2], reply);
  });

  // (query ptr, len, retPtrPtr, retLenPtr): Couchbase is not supported; an error result, never a link failure.
  DefineCapsuleHostFunction(linker, "hostCouchBaseQuery", 4, [](Caller& caller, std::span<const uint32_t> a) {
    return ReturnBytesToGuest(
        caller, a[2], a[3],
        HostFailure(InstanceAbi(caller.instance()), "hostCouchBaseQuery: Couchbase is not supported by Capsule C++"));
  });

  // (retPtrPtr, retLenPtr): HostOptions::host_information.
  DefineCapsuleHostFunction(linker, "hostGetHostInformation", 2,
                            [options](Caller& caller, std::span<const uint32_t> a) {
                              return ReturnBytesToGuest(caller, a[0], a[1], options->host_information);
                            });
}

}  // namespace capsule
