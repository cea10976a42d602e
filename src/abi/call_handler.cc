// Calls a Capsule handler export: places the input in guest memory, calls, copies and decodes the answer.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "capsule/abi.h"

namespace capsule {
namespace {

const FuncType& HandlerType() {
  static const FuncType type{{ValType::kI32, ValType::kI32}, {ValType::kI64}};
  return type;
}

const FuncType& AllocatorType() {
  static const FuncType type{{ValType::kI32}, {ValType::kI32}};
  return type;
}

// An exported function of that exact signature, or nullopt.
std::optional<Func> FindFunc(Instance& instance, std::string_view name, const FuncType& type) {
  auto f = instance.GetFunc(name);
  if (!f || !f->type || *f->type != type) return std::nullopt;
  return *f;
}

// Input bytes copied into guest memory, freed (when the guest has `free`) by Release.
class GuestInput {
 public:
  explicit GuestInput(Instance& instance) : instance_(instance) {}

  // Allocates with malloc (or allocateBuffer) and copies input there. Empty input is passed as (0, 0).
  Status Place(std::string_view input, const CallOptions& options) {
    if (input.empty()) return Status::Ok();
    if (input.size() > std::numeric_limits<int32_t>::max())
      return Fail(ErrorCode::kResourceLimit, "input of " + std::to_string(input.size()) + " bytes is too large");
    auto allocator = FindFunc(instance_, "malloc", AllocatorType());
    const char* allocator_name = "malloc";
    if (allocator) {
      free_ = FindFunc(instance_, "free", FuncType{{ValType::kI32}, {}});
    } else {
      allocator = FindFunc(instance_, "allocateBuffer", AllocatorType());
      allocator_name = "allocateBuffer";
    }
    if (!allocator)
      return Fail(ErrorCode::kNotFound,
                  "the module exports neither malloc nor allocateBuffer ((i32) -> (i32)) to "
                  "receive the input");
    Value size = Value::I32(static_cast<int32_t>(input.size()));
    Value ptr;
    CAPSULE_RETURN_IF_ERROR(instance_.Call(*allocator, {&size, 1}, {&ptr, 1}, options));
    ptr_ = ptr.u32();
    if (ptr_ == 0)
      return Fail(ErrorCode::kResourceLimit,
                  std::string(allocator_name) + "(" + std::to_string(input.size()) + ") returned a null pointer");
    len_ = static_cast<uint32_t>(input.size());
    Memory* memory = instance_.memory();
    if (!memory) return Fail(ErrorCode::kTrap, "the module has no linear memory");
    return memory->Write(ptr_, input.data(), input.size());
  }

  // Frees the input buffer with the guest's `free`, if it has one.
  Status Release(const CallOptions& options) {
    if (!free_ || ptr_ == 0) return Status::Ok();
    Value ptr = Value::I32(static_cast<int32_t>(ptr_));
    uint32_t released = ptr_;
    ptr_ = 0;
    auto st = instance_.Call(*free_, {&ptr, 1}, {}, options);
    if (!st) return Fail(st.error().code, "free(" + std::to_string(released) + ") failed: " + st.error().message);
    return Status::Ok();
  }

  uint32_t ptr() const { return ptr_; }
  uint32_t len() const { return len_; }

 private:
  Instance& instance_;
  std::optional<Func> free_;
  uint32_t ptr_ = 0;
  uint32_t len_ = 0;
};

Error BadResult(std::string_view name, std::string message) {
  return Fail(ErrorCode::kTrap, "bad result from " + std::string(name) + ": " + std::move(message));
}

}  // namespace

Result<Reply> CallHandler(Instance& instance, std::string_view name, std::string_view input,
                          const CallOptions& options) {
  auto handler = instance.GetFunc(name);
  if (!handler) return handler.take_error();
  if (!handler->type || *handler->type != HandlerType())
    return Fail(ErrorCode::kInvalidArgument, "export " + std::string(name) + " has signature " +
                                                 (handler->type ? handler->type->ToString() : "?") + ", expected " +
                                                 HandlerType().ToString());
  const AbiKind kind = InstanceAbi(instance);

  GuestInput in(instance);
  CAPSULE_RETURN_IF_ERROR(in.Place(input, options));
  const Value args[2] = {Value::I32(static_cast<int32_t>(in.ptr())), Value::I32(static_cast<int32_t>(in.len()))};
  Value packed;
  // On failure the input stays allocated: the guest may be in any state, calling it again could fail too.
  CAPSULE_RETURN_IF_ERROR(instance.Call(*handler, args, {&packed, 1}, options));

  const auto bits = static_cast<uint64_t>(packed.i64());
  const auto pos = static_cast<uint32_t>(bits >> 32);
  const auto len = static_cast<uint32_t>(bits);
  Memory* memory = instance.memory();
  if (!memory) return BadResult(name, "the module has no linear memory");
  auto view = memory->String(pos, len);
  std::string answer = view ? std::string(*view) : std::string();
  const size_t memory_size = memory->size();
  CAPSULE_RETURN_IF_ERROR(in.Release(options));
  if (!view)
    return BadResult(name, "(position " + std::to_string(pos) + ", length " + std::to_string(len) +
                               ") is outside the guest memory of " + std::to_string(memory_size) + " bytes");

  if (kind == AbiKind::kLegacy) return DecodeLegacyReply(answer);
  auto reply = DecodeCurrentReply(answer);
  if (!reply) return BadResult(name, reply.error().message);
  return reply;
}

Result<Reply> CallHandle(Instance& instance, std::string_view input, const CallOptions& options) {
  return CallHandler(instance, "callHandle", input, options);
}

Result<Reply> CallHandleJSON(Instance& instance, std::string_view json, const CallOptions& options) {
  return CallHandler(instance, "callHandleJSON", json, options);
}

}  // namespace capsule
