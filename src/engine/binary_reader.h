// A cursor over WebAssembly binary data: LEB128 integers, bytes and names, with bounds checks.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace capsule::internal {

// Reads forward through a byte span. Every read returns nullopt (and sets failed()) past the end or on a
// malformed encoding; once failed, later reads fail too.
class BinaryReader {
 public:
  explicit BinaryReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  std::optional<uint8_t> Byte();
  std::optional<uint32_t> U32();  // unsigned LEB128, at most 5 bytes
  std::optional<uint64_t> U64();  // unsigned LEB128, at most 10 bytes
  // Signed LEB128 of an N-bit integer (32, 33 for block types, 64), sign-extended; unused bits of the last byte
  // must repeat the sign.
  std::optional<int64_t> S(unsigned bits);
  std::optional<std::string> Name();  // u32 length + bytes
  // Skips a LEB128 of any sign whose value is not needed (an i32/i64.const), at most max_bytes long.
  bool SkipLeb(size_t max_bytes);
  // The next n bytes as a span, advancing past them.
  std::optional<std::span<const uint8_t>> Bytes(size_t n);

  size_t offset() const { return pos_; }
  size_t remaining() const { return failed_ ? 0 : bytes_.size() - pos_; }
  bool at_end() const { return pos_ >= bytes_.size(); }
  bool failed() const { return failed_; }

 private:
  std::optional<uint64_t> Leb(unsigned max_bits);
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  bool failed_ = false;
};

// Skips a constant expression (a global's or segment's initializer) up to its `end`; false on anything else.
bool SkipConstExpr(BinaryReader& r);

// Appends v as unsigned LEB128.
void AppendLeb(std::string& out, uint64_t v);

}  // namespace capsule::internal
