// Moves bytes between host functions and guest memory: reading arguments, returning data via allocateBuffer.
#include <cstdint>
#include <limits>
#include <string>

#include "capsule/abi.h"

namespace capsule {
namespace {

const FuncType& AllocateBufferType() {
  static const FuncType type{{ValType::kI32}, {ValType::kI32}};
  return type;
}

Result<Memory*> MemoryOf(Caller& caller) {
  Memory* memory = caller.memory();
  if (!memory) return Fail(ErrorCode::kTrap, "the module has no linear memory");
  return memory;
}

}  // namespace

Result<std::string> ReadGuestBytes(Caller& caller, uint32_t ptr, uint32_t len) {
  auto memory = MemoryOf(caller);
  if (!memory) return memory.take_error();
  auto bytes = (*memory)->String(ptr, len);
  if (!bytes) return bytes.take_error();
  return std::string(*bytes);
}

Status ReturnBytesToGuest(Caller& caller, uint32_t ret_ptr_ptr, uint32_t ret_len_ptr, std::string_view bytes) {
  auto memory = MemoryOf(caller);
  if (!memory) return memory.take_error();
  if (bytes.empty()) {
    CAPSULE_RETURN_IF_ERROR((*memory)->WriteU32(ret_ptr_ptr, 0));
    return (*memory)->WriteU32(ret_len_ptr, 0);
  }
  if (bytes.size() > std::numeric_limits<uint32_t>::max())
    return Fail(ErrorCode::kResourceLimit, "cannot return " + std::to_string(bytes.size()) + " bytes to the guest");
  const auto size = static_cast<uint32_t>(bytes.size());
  // Memory only grows: addresses valid now stay valid after allocateBuffer. Checking first spares the guest an
  // allocation for an answer that cannot be delivered.
  for (uint32_t slot_address : {ret_ptr_ptr, ret_len_ptr}) {
    auto slot = (*memory)->Span(slot_address, sizeof(uint32_t));
    if (!slot) return slot.take_error();
  }

  auto allocate = caller.instance().GetFunc("allocateBuffer");
  if (!allocate)
    return Fail(ErrorCode::kNotFound, "the module does not export allocateBuffer, needed to return data to it");
  if (!allocate->type || *allocate->type != AllocateBufferType())
    return Fail(ErrorCode::kInvalidArgument, "the module's allocateBuffer has signature " +
                                                 (allocate->type ? allocate->type->ToString() : "?") +
                                                 ", expected (i32) -> (i32)");
  Value arg = Value::I32(static_cast<int32_t>(size));
  Value result;
  CAPSULE_RETURN_IF_ERROR(caller.instance().Call(*allocate, {&arg, 1}, {&result, 1}));
  const uint32_t buffer = result.u32();
  if (buffer == 0)
    return Fail(ErrorCode::kTrap, "allocateBuffer(" + std::to_string(size) + ") returned a null pointer");

  // allocateBuffer may have grown the memory: look it up again before writing.
  memory = MemoryOf(caller);
  if (!memory) return memory.take_error();
  CAPSULE_RETURN_IF_ERROR((*memory)->Write(buffer, bytes.data(), bytes.size()));
  CAPSULE_RETURN_IF_ERROR((*memory)->WriteU32(ret_ptr_ptr, buffer));
  return (*memory)->WriteU32(ret_len_ptr, size);
}

}  // namespace capsule
