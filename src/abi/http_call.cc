// Calls the HTTP entries that do not take (ptr, len) input: a legacy (capsulemodule) module's `callHandleHttp` in
// any of its three signature generations, and the current ABI's OnHealthCheck / OnMetrics hooks.
#include <limits>
#include <vector>

#include "capsule/host.h"
#include "capsule/http_abi.h"

namespace capsule {
namespace {

// Copies each string into guest memory with the guest's malloc; args receives (ptr, len) pairs.
Status PlaceStrings(Instance& instance, std::initializer_list<std::string_view> strings, std::vector<Value>* args,
                    const CallOptions& options) {
  auto malloc_fn = instance.GetFunc("malloc");
  if (!malloc_fn) malloc_fn = instance.GetFunc("allocateBuffer");
  if (!malloc_fn) return Fail(ErrorCode::kNotFound, "the module exports neither malloc nor allocateBuffer");
  for (std::string_view s : strings) {
    if (s.size() > std::numeric_limits<int32_t>::max()) return Fail(ErrorCode::kResourceLimit, "input too large");
    // An empty string is passed as (0, 0): allocating zero bytes traps in some TinyGo allocators.
    if (s.empty()) {
      args->push_back(Value::I32(0));
      args->push_back(Value::I32(0));
      continue;
    }
    Value size = Value::I32(static_cast<int32_t>(s.size()));
    Value ptr;
    CAPSULE_RETURN_IF_ERROR(instance.Call(*malloc_fn, {&size, 1}, {&ptr, 1}, options));
    Memory* memory = instance.memory();
    if (!memory || ptr.u32() == 0) return Fail(ErrorCode::kResourceLimit, "the guest could not allocate its input");
    CAPSULE_RETURN_IF_ERROR(memory->Write(ptr.u32(), s.data(), s.size()));
    args->push_back(ptr);
    args->push_back(size);
  }
  return Status::Ok();
}

}  // namespace

Result<Reply> CallLegacyHandleHttp(Instance& instance, LegacyHttpShape shape, const HttpRequest& request,
                                   uint32_t request_id, const CallOptions& options) {
  auto handler = instance.GetFunc("callHandleHttp");
  if (!handler) return handler.take_error();
  std::vector<Value> args;
  switch (shape) {
    case LegacyHttpShape::kRequestId: args.push_back(Value::I32(static_cast<int32_t>(request_id))); break;
    case LegacyHttpShape::kBodyHeaders:
      CAPSULE_RETURN_IF_ERROR(
          PlaceStrings(instance, {request.body, JoinLegacyHeaders(request, shape)}, &args, options));
      break;
    case LegacyHttpShape::kFourStrings:
      CAPSULE_RETURN_IF_ERROR(PlaceStrings(
          instance, {request.body, request.uri, JoinLegacyHeaders(request, shape), request.method}, &args, options));
      break;
    case LegacyHttpShape::kNone: return Fail(ErrorCode::kNotFound, "the module exports no callHandleHttp");
  }
  if (!handler->type || handler->type->params.size() != args.size() || handler->type->results.size() != 1 ||
      handler->type->results[0] != ValType::kI64)
    return Fail(ErrorCode::kInvalidArgument, "callHandleHttp has signature " +
                                                 (handler->type ? handler->type->ToString() : "?") +
                                                 ", which does not match the detected generation");
  Value packed;
  CAPSULE_RETURN_IF_ERROR(instance.Call(*handler, args, {&packed, 1}, options));
  const auto bits = static_cast<uint64_t>(packed.i64());
  Memory* memory = instance.memory();
  if (!memory) return Fail(ErrorCode::kTrap, "bad result from callHandleHttp: the module has no linear memory");
  auto view = memory->String(bits >> 32, static_cast<uint32_t>(bits));
  if (!view) return Fail(ErrorCode::kTrap, "bad result from callHandleHttp: outside the guest memory");
  return DecodeLegacyReply(*view);
}

Result<Reply> CallHttpHook(Instance& instance, std::string_view name, const CallOptions& options) {
  auto hook = instance.GetFunc(name);
  if (!hook) return hook.take_error();
  static const FuncType kType{{}, {ValType::kI64}};
  if (!hook->type || *hook->type != kType)
    return Fail(ErrorCode::kInvalidArgument, "export " + std::string(name) + " has signature " +
                                                 (hook->type ? hook->type->ToString() : "?") + ", expected " +
                                                 kType.ToString());
  Value packed;
  CAPSULE_RETURN_IF_ERROR(instance.Call(*hook, {}, {&packed, 1}, options));
  const auto bits = static_cast<uint64_t>(packed.i64());
  const std::string prefix = "bad result from " + std::string(name) + ": ";
  Memory* memory = instance.memory();
  if (!memory) return Fail(ErrorCode::kTrap, prefix + "the module has no linear memory");
  auto view = memory->String(bits >> 32, static_cast<uint32_t>(bits));
  if (!view) return Fail(ErrorCode::kTrap, prefix + "outside the guest memory");
  auto reply = DecodeCurrentReply(*view);
  if (!reply) return Fail(ErrorCode::kTrap, prefix + reply.error().message);
  return reply;
}

}  // namespace capsule
