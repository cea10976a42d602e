// Script values: parsing arguments, matching results against expected patterns.
#include "spec_values.h"

#include <charconv>
#include <cstdio>
#include <cstring>

namespace capsule::spec {
namespace {

using nlohmann::json;

Error Bad(const std::string& what, const json& v) {
  return Fail(ErrorCode::kInvalidArgument, what + ": " + v.dump());
}

// An unsigned decimal of at most 64 bits (wast2json writes every number so: bits of floats, lanes, integers).
std::optional<uint64_t> ParseBits(const std::string& s) {
  uint64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// One lane (or a whole scalar) of an expected result: exact bits, or a NaN pattern.
struct LanePattern {
  enum Kind { kBits, kCanonicalNan, kArithmeticNan } kind = kBits;
  uint64_t bits = 0;
};

std::optional<LanePattern> ParseLane(const std::string& s) {
  if (s == "nan:canonical") return LanePattern{LanePattern::kCanonicalNan, 0};
  if (s == "nan:arithmetic") return LanePattern{LanePattern::kArithmeticNan, 0};
  auto bits = ParseBits(s);
  if (!bits) return std::nullopt;
  return LanePattern{LanePattern::kBits, *bits};
}

// Lane width in bytes and whether it is a float lane, for a wast2json lane type.
struct LaneType {
  size_t bytes;
  bool is_float;
};
std::optional<LaneType> ParseLaneType(const std::string& s) {
  if (s == "i8") return LaneType{1, false};
  if (s == "i16") return LaneType{2, false};
  if (s == "i32") return LaneType{4, false};
  if (s == "i64") return LaneType{8, false};
  if (s == "f32") return LaneType{4, true};
  if (s == "f64") return LaneType{8, true};
  return std::nullopt;
}

uint64_t LaneMask(size_t bytes) {
  return bytes == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * bytes)) - 1;
}

bool LaneMatches(const LanePattern& p, uint64_t bits, size_t bytes, bool is_float) {
  if (p.kind == LanePattern::kBits) return (bits & LaneMask(bytes)) == (p.bits & LaneMask(bytes));
  if (!is_float) return false;
  // A NaN has every exponent bit set; canonical: only the quiet bit of the payload; arithmetic: at least it.
  const uint64_t quiet_nan = bytes == 4 ? 0x7fc00000u : 0x7ff8000000000000u;
  const uint64_t sign = bytes == 4 ? 0x80000000u : 0x8000000000000000u;
  const uint64_t magnitude = bits & ~sign & LaneMask(bytes);
  return p.kind == LanePattern::kCanonicalNan ? magnitude == quiet_nan : (magnitude & quiet_nan) == quiet_nan;
}

// The lanes of a v128 JSON value ({"lane_type": "i32", "value": ["1", ...]}).
Result<std::pair<LaneType, std::vector<LanePattern>>> ParseLanes(const json& v) {
  if (!v.contains("lane_type") || !v.contains("value") || !v["value"].is_array()) return Bad("bad v128", v);
  auto lane = ParseLaneType(v["lane_type"].get<std::string>());
  if (!lane || v["value"].size() * lane->bytes != 16) return Bad("bad v128 lanes", v);
  std::vector<LanePattern> lanes;
  for (const json& item : v["value"]) {
    auto p = item.is_string() ? ParseLane(item.get<std::string>()) : std::nullopt;
    if (!p) return Bad("bad v128 lane", v);
    lanes.push_back(*p);
  }
  return std::pair{*lane, std::move(lanes)};
}

}  // namespace

void* ExternRefs::Get(uint64_t n) {
  auto& slot = refs_[n];
  if (!slot) slot = std::make_unique<uint64_t>(n);
  return slot.get();
}

std::optional<uint64_t> ExternRefs::Find(const void* p) const {
  if (!p) return std::nullopt;
  for (const auto& [n, slot] : refs_)
    if (slot.get() == p) return n;
  return std::nullopt;
}

std::optional<ValType> ParseValType(const std::string& name) {
  for (ValType t : {ValType::kI32, ValType::kI64, ValType::kF32, ValType::kF64, ValType::kV128, ValType::kFuncRef,
                    ValType::kExternRef})
    if (name == ValTypeName(t)) return t;
  return std::nullopt;
}

Result<Value> ParseValue(const json& v, ExternRefs& refs) {
  if (!v.is_object() || !v.contains("type")) return Bad("bad value", v);
  auto type = ParseValType(v["type"].get<std::string>());
  if (!type) return Bad("unknown value type", v);
  if (*type == ValType::kV128) {
    auto lanes = ParseLanes(v);
    if (!lanes) return lanes.take_error();
    V128 bits{};
    for (size_t i = 0; i < lanes->second.size(); ++i) {
      if (lanes->second[i].kind != LanePattern::kBits) return Bad("a NaN pattern is not an argument", v);
      const uint64_t b = lanes->second[i].bits;
      std::memcpy(bits.bytes + i * lanes->first.bytes, &b, lanes->first.bytes);  // little-endian host
    }
    return Value::V128(bits);
  }
  if (!v.contains("value") || !v["value"].is_string()) return Bad("value missing", v);
  const std::string s = v["value"].get<std::string>();
  if (IsRefType(*type)) {
    if (s == "null") return Value::Default(*type);
    auto n = ParseBits(s);
    if (*type == ValType::kFuncRef || !n) return Bad("a reference the host cannot make", v);
    return Value::ExternRef(refs.Get(*n));
  }
  auto bits = ParseBits(s);
  if (!bits) return Bad("bad number", v);
  switch (*type) {
    case ValType::kI32: return Value::I32(static_cast<int32_t>(static_cast<uint32_t>(*bits)));
    case ValType::kI64: return Value::I64(static_cast<int64_t>(*bits));
    case ValType::kF32: return Value::F32Bits(static_cast<uint32_t>(*bits));
    default: return Value::F64Bits(*bits);
  }
}

Result<bool> Matches(const json& expected, const Value& actual, ExternRefs& refs) {
  if (!expected.is_object() || !expected.contains("type")) return Bad("bad expected value", expected);
  auto type = ParseValType(expected["type"].get<std::string>());
  if (!type) return Bad("unknown value type", expected);
  if (actual.type != *type) return false;
  if (*type == ValType::kV128) {
    auto lanes = ParseLanes(expected);
    if (!lanes) return lanes.take_error();
    const auto& [lane, patterns] = *lanes;
    for (size_t i = 0; i < patterns.size(); ++i) {
      uint64_t bits = 0;
      std::memcpy(&bits, actual.v128().bytes + i * lane.bytes, lane.bytes);
      if (!LaneMatches(patterns[i], bits, lane.bytes, lane.is_float)) return false;
    }
    return true;
  }
  if (IsRefType(*type)) {
    if (!expected.contains("value")) return !actual.is_null();  // (ref.func), (ref.extern): any non-null one
    const std::string s = expected["value"].get<std::string>();
    if (s == "null") return actual.is_null();
    auto n = ParseBits(s);
    if (*type == ValType::kFuncRef || !n) return Bad("a reference the host cannot name", expected);
    return actual.externref() == refs.Get(*n);
  }
  if (!expected.contains("value") || !expected["value"].is_string()) return Bad("value missing", expected);
  auto pattern = ParseLane(expected["value"].get<std::string>());
  if (!pattern) return Bad("bad number", expected);
  switch (*type) {
    case ValType::kI32: return LaneMatches(*pattern, actual.u32(), 4, false);
    case ValType::kI64: return LaneMatches(*pattern, static_cast<uint64_t>(actual.i64()), 8, false);
    case ValType::kF32: return LaneMatches(*pattern, actual.f32_bits(), 4, true);
    default: return LaneMatches(*pattern, actual.f64_bits(), 8, true);
  }
}

std::string Describe(const Value& value, const ExternRefs& refs) {
  char buf[64];
  std::string name = std::string(ValTypeName(value.type)) + ":";
  switch (value.type) {
    case ValType::kI32: return name + std::to_string(value.u32());
    case ValType::kI64: return name + std::to_string(static_cast<uint64_t>(value.i64()));
    case ValType::kF32: std::snprintf(buf, sizeof buf, "0x%08x", value.f32_bits()); return name + buf;
    case ValType::kF64:
      std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(value.f64_bits()));
      return name + buf;
    case ValType::kV128:
      std::snprintf(buf, sizeof buf, "0x%016llx%016llx",
                    static_cast<unsigned long long>(value.v128().lane<uint64_t>(1)),
                    static_cast<unsigned long long>(value.v128().lane<uint64_t>(0)));
      return name + buf;
    case ValType::kFuncRef: return name + (value.is_null() ? "null" : "non-null");
    case ValType::kExternRef: {
      if (value.is_null()) return name + "null";
      auto n = refs.Find(value.externref());
      return name + (n ? std::to_string(*n) : "unknown");
    }
  }
  return name + "?";
}

}  // namespace capsule::spec
