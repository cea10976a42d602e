// Encodes and decodes the byte strings exchanged with Capsule modules: handler answers and host replies.
#include <charconv>
#include <string>
#include <string_view>

#include "capsule/abi.h"

namespace capsule {
namespace {

constexpr std::string_view kLegacyErrorPrefix = "[ERR]";
constexpr std::string_view kLegacyArgSeparator = "\xC2\xB2";  // U+00B2 "²"

std::string Hex(uint8_t byte) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 15];
}

}  // namespace

Result<Reply> DecodeCurrentReply(std::string_view bytes) {
  if (bytes.empty()) return Fail(ErrorCode::kTrap, "empty result (expected an S or F marker byte)");
  Reply reply;
  if (bytes[0] == 'S') {
    reply.ok = true;
  } else if (bytes[0] == 'F') {
    reply.ok = false;
  } else {
    return Fail(ErrorCode::kTrap, "result does not start with an S or F marker (first byte " +
                                      Hex(static_cast<uint8_t>(bytes[0])) + ", " + std::to_string(bytes.size()) +
                                      " bytes)");
  }
  reply.data.assign(bytes.substr(1));
  return reply;
}

// Capsule's GetErrorStringInfo, without its truncation of messages that contain "]:".
Reply DecodeLegacyReply(std::string_view bytes) {
  Reply reply;
  if (!bytes.starts_with(kLegacyErrorPrefix)) {
    reply.data.assign(bytes);
    return reply;
  }
  reply.ok = false;
  std::string_view rest = bytes.substr(kLegacyErrorPrefix.size());
  size_t end = rest.find("]:");
  if (rest.starts_with('[') && end != std::string_view::npos) {
    std::string_view code = rest.substr(1, end - 1);
    std::from_chars(code.data(), code.data() + code.size(), reply.legacy_code);
    rest = rest.substr(end + 2);
  }
  reply.data.assign(rest);
  if (reply.legacy_code != 0) reply.data += " (" + std::to_string(reply.legacy_code) + ")";
  return reply;
}

std::string JoinLegacyArgs(std::span<const std::string> args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += kLegacyArgSeparator;
    out += args[i];
  }
  return out;
}

std::string HostSuccess(AbiKind kind, std::string_view data) {
  if (kind == AbiKind::kLegacy) return std::string(data);
  std::string out;
  out.reserve(data.size() + 1);
  out += 'S';
  out += data;
  return out;
}

std::string HostFailure(AbiKind kind, std::string_view message) {
  std::string out(kind == AbiKind::kLegacy ? "[ERR][0]:" : "F");
  out += message;
  return out;
}

}  // namespace capsule
