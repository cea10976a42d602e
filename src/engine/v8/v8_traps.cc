// V8's exceptions as the HDK's errors: traps in the words of capsule/trap.h, whatever V8 calls them.
#include <array>
#include <charconv>
#include <string>

#include "engine/module_lookup.h"
#include "engine/v8/v8_internal.h"

namespace capsule::internal {
namespace {

// The instructions V8 reports "table index is out of bounds" for: call_indirect, table.get, table.set, and the
// 0xFC table instructions (init, copy, grow, size, fill).
constexpr uint8_t kCallIndirect = 0x11, kTableGet = 0x25, kTableSet = 0x26, kPrefixFC = 0xfc;

// V8 10.2's trap messages (message-template.h) and what they are. "table index is out of bounds" is both
// call_indirect past the end (undefined element) and any table instruction past the end: TrapKindAt decides.
struct V8Trap {
  std::string_view text;
  TrapKind kind;
};
constexpr std::array<V8Trap, 12> kV8Traps = {{
    {"unreachable", TrapKind::kUnreachable},
    {"memory access out of bounds", TrapKind::kMemoryOutOfBounds},
    {"divide by zero", TrapKind::kIntegerDivideByZero},
    {"remainder by zero", TrapKind::kIntegerDivideByZero},
    {"divide result unrepresentable", TrapKind::kIntegerOverflow},
    {"float unrepresentable in integer range", TrapKind::kOverflowOrInvalidConversion},
    {"null function or function signature mismatch", TrapKind::kUninitializedOrTypeMismatch},
    {"table index is out of bounds", TrapKind::kTableOutOfBounds},
    {"data segment", TrapKind::kMemoryOutOfBounds},    // "data segment is out of bounds", "... has been dropped"
    {"element segment", TrapKind::kTableOutOfBounds},  // "element segment has been dropped"
    {"table initializer is out of bounds", TrapKind::kTableOutOfBounds},
    {"Maximum call stack size exceeded", TrapKind::kCallStackExhausted},
}};

// The function index and module offset of a wasm frame ("... (wasm://wasm/abc:wasm-function[3]:0x5a)").
std::optional<std::pair<uint32_t, uint64_t>> WasmPosition(std::string_view frame) {
  constexpr std::string_view kFunction = "wasm-function[";
  auto at = frame.find(kFunction);
  if (at == std::string_view::npos) return std::nullopt;
  const char* p = frame.data() + at + kFunction.size();
  const char* end = frame.data() + frame.size();
  uint32_t index = 0;
  auto r = std::from_chars(p, end, index);
  if (r.ec != std::errc() || end - r.ptr < 4 || std::string_view(r.ptr, 4) != "]:0x") return std::nullopt;
  uint64_t offset = 0;
  if (std::from_chars(r.ptr + 4, end, offset, 16).ec != std::errc()) return std::nullopt;
  return std::pair{index, offset};
}

// Out-of-bounds table index at frame: "undefined element" when the instruction there is a call_indirect.
TrapKind TableTrapAt(V8Context& context, std::string_view frame) {
  auto position = WasmPosition(frame);
  if (!position) return TrapKind::kTableOutOfBounds;
  for (std::span<const uint8_t> bytes : context.ModuleBytes()) {
    // The frame names no module: the one whose function has a table instruction there (in practice only one).
    auto opcode = OpcodeAt(bytes, position->first, position->second);
    if (opcode == kCallIndirect) return TrapKind::kUndefinedElement;
    if (opcode == kTableGet || opcode == kTableSet || opcode == kPrefixFC) return TrapKind::kTableOutOfBounds;
  }
  return TrapKind::kTableOutOfBounds;
}

// The exception's text without its JS class ("RuntimeError: unreachable" -> "unreachable"), and the class.
std::pair<std::string, std::string> SplitClass(std::string text) {
  for (const char* prefix :
       {"RuntimeError: ", "CompileError: ", "LinkError: ", "TypeError: ", "RangeError: ", "Error: "}) {
    if (text.rfind(prefix, 0) == 0) {
      const size_t n = std::char_traits<char>::length(prefix);
      return {text.substr(n), std::string(prefix, n - 2)};
    }
  }
  return {std::move(text), ""};
}

// The top frame of the exception's stack ("at f (wasm://wasm/...)"), or "".
std::string TopFrame(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::TryCatch& try_catch) {
  v8::Local<v8::Value> stack;
  if (!try_catch.StackTrace(context).ToLocal(&stack) || !stack->IsString()) return "";
  v8::String::Utf8Value st(isolate, stack);
  std::string s = *st ? *st : "";
  auto at = s.find("\n    at ");
  if (at == std::string::npos) return "";
  auto end = s.find('\n', at + 1);
  return s.substr(at + 5, end == std::string::npos ? std::string::npos : end - at - 5);
}

std::string ExceptionMessage(v8::Isolate* isolate, v8::TryCatch& try_catch) {
  v8::Local<v8::Value> exception = try_catch.Exception();
  if (exception.IsEmpty()) return "unknown error";
  v8::String::Utf8Value text(isolate, exception);
  return *text ? *text : "unknown error";
}

}  // namespace

std::string ExceptionText(v8::Isolate* isolate, v8::Local<v8::Context> context, v8::TryCatch& try_catch) {
  std::string message = SplitClass(ExceptionMessage(isolate, try_catch)).first;
  // Keep the top wasm frame as a hint of where it happened.
  std::string frame = TopFrame(isolate, context, try_catch);
  if (!frame.empty()) message += " (" + frame + ")";
  return message;
}

Error TrapError(V8Context& context, v8::TryCatch& try_catch, std::string_view where) {
  v8::Isolate* isolate = context.isolate();
  v8::Local<v8::Context> js_context = context.context();
  auto [text, js_class] = SplitClass(ExceptionMessage(isolate, try_catch));
  const std::string frame = TopFrame(isolate, js_context, try_catch);
  if (js_class == "LinkError") return Fail(ErrorCode::kLinkError, "link error: " + text);
  if (text.find("Out of memory") != std::string::npos || text.find("could not allocate memory") != std::string::npos)
    return Fail(ErrorCode::kResourceLimit, text);
  for (const V8Trap& trap : kV8Traps) {
    if (text.find(trap.text) == std::string::npos) continue;
    TrapKind kind = trap.kind;
    if (trap.text == "table index is out of bounds") kind = TableTrapAt(context, frame);
    // Code traps during instantiation come from the start function; segment traps say what they are.
    const bool segment =
        trap.text.find("segment") != std::string_view::npos || trap.text.find("initializer") != std::string_view::npos;
    std::string details = where.empty() || segment ? "" : "in the " + std::string(where);
    if (!frame.empty()) details += (details.empty() ? "" : ", ") + frame;
    return Fail(ErrorCode::kTrap, TrapMessage(kind, details));
  }
  return Fail(ErrorCode::kTrap, frame.empty() ? text : text + " (" + frame + ")");
}

}  // namespace capsule::internal
