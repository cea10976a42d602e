/// @file
/// The Capsule module ABI: which generation a module speaks, how to call its handlers, and how host functions hand
/// bytes back to it. Two generations exist (docs: /work/shared/capsule-abi.md):
///   - current ("MDK", Capsule v0.3.4+): handler results are `S`+payload or `F`+message;
///   - legacy (capsulemodule, Capsule v0.2.x-v0.3.3): handler results are plain strings, errors `[ERR][code]:message`.
/// Both place call input with the guest's `malloc`, return `pos << 32 | len` from handlers, and receive host data
/// through the guest's `allocateBuffer` export.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "capsule/engine.h"
#include "capsule/linker.h"
#include "capsule/module_info.h"
#include "capsule/result.h"

namespace capsule {

/// The generation of the Capsule ABI a module was built for.
enum class AbiKind : uint8_t {
  kCurrent,  ///< capsule-module-sdk (MDK): S/F results, callHandle / callHandleJSON / callHandleHTTP
  kLegacy,   ///< capsulemodule (v0.2.x-v0.3.3): string results, [ERR] errors, callHandleHttp
};

/// "current" or "legacy".
const char* AbiKindName(AbiKind kind);

/// The shape of a legacy module's `callHandleHttp` export, which changed across capsulemodule versions.
enum class LegacyHttpShape : uint8_t {
  kNone,         ///< not exported (or a current module)
  kBodyHeaders,  ///< v0.1.x: (body ptr, len, headers ptr, len) -> i64
  kFourStrings,  ///< v0.1.9-v0.2.8: (body, uri, headers, method as ptr/len pairs) -> i64
  kRequestId,    ///< v0.2.9+: (request id) -> i64; the module then calls hostRequestParamsGet
};

/// What DetectAbi learned about a module.
struct AbiInfo {
  AbiKind kind = AbiKind::kCurrent;                      ///< which ABI generation the module is written for
  LegacyHttpShape legacy_http = LegacyHttpShape::kNone;  ///< the shape of its legacy callHandleHttp, if any
};

/// Tells the generation from the module's exports (and, for a module exporting only `callHandle`, from its "env"
/// imports; with no evidence either way it is current). Errors: kNotFound when the module exports no Capsule
/// handler at all (none of callHandle, callHandleJSON, callHandleHTTP, callHandleHttp, callNatsMessageHandle,
/// callMqttMessageHandle).
Result<AbiInfo> DetectAbi(const ModuleInfo& module);

/// The generation of a running instance: recorded by RecordAbi, else detected from its module (current when the
/// module has no handler). Host functions use it to encode their replies.
AbiKind InstanceAbi(Instance& instance);

/// Records the instance's generation so that host functions need not detect it on every call.
void RecordAbi(Instance& instance, AbiKind kind);
/// The same, in host data not yet handed to Context::Instantiate.
void RecordAbi(InstanceData& data, AbiKind kind);

/// Instantiates a Capsule module with data as its initial host data, its generation recorded there. Errors are the
/// engine's, unchanged: kLinkError names the first import the linker does not provide. Does not run WASI
/// `_start`; the runner does that next (host functions already work while it runs).
Result<std::unique_ptr<Instance>> InstantiateCapsuleModule(Context& context, std::shared_ptr<const Module> module,
                                                           std::shared_ptr<const Linker> linker,
                                                           InstanceData data = {});

/// What a handler answered. A guest-level failure (`F`, or a legacy `[ERR]`) is a Reply with ok == false; a trap,
/// an interrupt or a broken ABI contract is an Error of the call instead.
struct Reply {
  bool ok = true;  ///< false for a guest-level failure
  /// The payload when ok; else the guest's error message (legacy: with " (<code>)" appended when code != 0, as
  /// Capsule printed it).
  std::string data;
  /// Legacy only: the code of `[ERR][<code>]:message`; 0 otherwise.
  int legacy_code = 0;
};

/// Calls the handler export `name` ((i32 ptr, i32 len) -> i64) with input and decodes its answer by the instance's
/// generation. The input is placed with the guest's `malloc` (or `allocateBuffer` when there is no malloc) and
/// freed with its `free` only after the result was copied out. Errors: kNotFound (no such export),
/// kInvalidArgument (wrong signature), the call's error (kTrap, kInterrupted, kExit, ...), kTrap "bad result from
/// <name>: ..." when the guest returns a range outside its memory or, in the current ABI, no S/F marker.
Result<Reply> CallHandler(Instance& instance, std::string_view name, std::string_view input,
                          const CallOptions& options = {});

/// CallHandler on "callHandle": the CLI entry. For a legacy module, pass JoinLegacyArgs(args) as input.
Result<Reply> CallHandle(Instance& instance, std::string_view input, const CallOptions& options = {});

/// CallHandler on "callHandleJSON"; input is a JSON document (the guest parses it and answers F when it cannot).
Result<Reply> CallHandleJSON(Instance& instance, std::string_view json, const CallOptions& options = {});

/// The legacy CLI input: the positional arguments joined with U+00B2 "²".
std::string JoinLegacyArgs(std::span<const std::string> args);

/// Decodes a current-ABI answer: `S`+payload or `F`+message. kTrap when the marker is missing.
Result<Reply> DecodeCurrentReply(std::string_view bytes);

/// Decodes a legacy answer: `[ERR][<code>]:<message>` is a failure, anything else the payload.
Reply DecodeLegacyReply(std::string_view bytes);

// --- For host functions ---------------------------------------------------------------------------------------

/// Copies the guest bytes [ptr, ptr + len). kTrap when they are not all inside its memory.
Result<std::string> ReadGuestBytes(Caller& caller, uint32_t ptr, uint32_t len);

/// Hands bytes to the guest: q = allocateBuffer(size), then stores q and size (u32 LE) at ret_ptr_ptr and
/// ret_len_ptr and copies the bytes to q, re-reading the memory after allocateBuffer (it may grow it). Empty bytes
/// store 0 and 0 without calling allocateBuffer. Errors (which trap the guest): kNotFound when the module does not
/// export allocateBuffer, kTrap for addresses outside memory or a null buffer, or allocateBuffer's own error.
Status ReturnBytesToGuest(Caller& caller, uint32_t ret_ptr_ptr, uint32_t ret_len_ptr, std::string_view bytes);

/// A host function's success reply in the caller's generation: current `S`+data, legacy data as is.
std::string HostSuccess(AbiKind kind, std::string_view data);

/// A host function's failure reply in the caller's generation: current `F`+message, legacy `[ERR][0]:`+message.
std::string HostFailure(AbiKind kind, std::string_view message);

}  // namespace capsule
