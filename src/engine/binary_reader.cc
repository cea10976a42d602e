#include "engine/binary_reader.h"

namespace capsule::internal {

std::optional<uint8_t> BinaryReader::Byte() {
  if (failed_ || pos_ >= bytes_.size()) {
    failed_ = true;
    return std::nullopt;
  }
  return bytes_[pos_++];
}

std::optional<uint64_t> BinaryReader::Leb(unsigned max_bits) {
  uint64_t result = 0;
  for (unsigned shift = 0;; shift += 7) {
    auto b = Byte();
    if (!b) return std::nullopt;
    // The last byte the encoding may have ends it and sets no bit past max_bits.
    if (shift + 7 >= max_bits && ((*b & 0x80) || (*b >> (max_bits - shift)) != 0)) break;
    result |= static_cast<uint64_t>(*b & 0x7f) << shift;
    if (!(*b & 0x80)) return result;
  }
  failed_ = true;
  return std::nullopt;
}

std::optional<int64_t> BinaryReader::S(unsigned bits) {
  uint64_t result = 0;
  for (unsigned shift = 0;; shift += 7) {
    auto b = Byte();
    if (!b) return std::nullopt;
    if (shift + 7 >= bits) {  // the last byte the encoding may have
      const unsigned used = bits - shift;
      const uint8_t mask = static_cast<uint8_t>((0x7f << (used - 1)) & 0x7f);
      if ((*b & 0x80) || ((*b & mask) != 0 && (*b & mask) != mask)) break;
    }
    result |= static_cast<uint64_t>(*b & 0x7f) << shift;
    if (!(*b & 0x80)) {
      if (shift + 7 < 64 && (*b & 0x40)) result |= ~uint64_t{0} << (shift + 7);
      return static_cast<int64_t>(result);
    }
  }
  failed_ = true;
  return std::nullopt;
}

std::optional<uint32_t> BinaryReader::U32() {
  auto v = Leb(32);
  if (!v) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

std::optional<uint64_t> BinaryReader::U64() {
  return Leb(64);
}

bool BinaryReader::SkipLeb(size_t max_bytes) {
  for (size_t i = 0; i < max_bytes; ++i) {
    auto b = Byte();
    if (!b) return false;
    if (!(*b & 0x80)) return true;
  }
  failed_ = true;
  return false;
}

std::optional<std::span<const uint8_t>> BinaryReader::Bytes(size_t n) {
  if (failed_ || n > bytes_.size() - pos_) {
    failed_ = true;
    return std::nullopt;
  }
  auto s = bytes_.subspan(pos_, n);
  pos_ += n;
  return s;
}

std::optional<std::string> BinaryReader::Name() {
  auto len = U32();
  if (!len) return std::nullopt;
  auto b = Bytes(*len);
  if (!b) return std::nullopt;
  return std::string(b->begin(), b->end());
}

void AppendLeb(std::string& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (v);
}

bool SkipConstExpr(BinaryReader& r) {
  for (;;) {
    auto op = r.Byte();
    if (!op) return false;
    switch (*op) {
      case 0x0b: return true;  // end
      case 0x41:
      case 0x42:
      case 0x23:
      case 0xd2:  // i32/i64.const, global.get, ref.func
        if (!r.SkipLeb(10)) return false;
        break;
      case 0x43:
        if (!r.Bytes(4)) return false;
        break;  // f32.const
      case 0x44:
        if (!r.Bytes(8)) return false;
        break;  // f64.const
      case 0xd0:
        if (!r.SkipLeb(10)) return false;
        break;    // ref.null heaptype
      case 0xfd:  // v128.const: sub-opcode 12 and 16 bytes
        if (r.U32() != 12u || !r.Bytes(16)) return false;
        break;
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e: break;  // extended-const arithmetic
      default: return false;
    }
  }
}

}  // namespace capsule::internal
