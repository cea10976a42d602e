// The decoder behind ScanCode: one BodyScanner per function body. Immediates follow the WebAssembly 3.0 binary
// format (specification/wasm-3.0/5.3-binary.instructions.spectec) plus the legacy exception handling opcodes and the
// threads proposal; GC (0xFB) and anything else unknown fails.
#include "engine/code_scan.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "engine/binary_reader.h"

namespace capsule::internal {
namespace {

std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

// Decodes one function body (locals, then instructions up to the function's final `end`) and adds what it finds to
// facts. Every method returns false on failure: why_ says why, or is empty if the reader ran out of bytes or met a
// malformed LEB128.
class BodyScanner {
 public:
  BodyScanner(std::span<const uint8_t> body, CodeFacts& facts) : r_(body), facts_(facts) {}

  // Locals and instructions; true if the body ends exactly at the `end` that closes the function.
  bool Scan() {
    auto entries = r_.U32();
    if (!entries) return false;
    for (uint32_t i = 0; i < *entries; ++i) {
      if (!Index() || !ValType()) return false;
    }
    while (depth_ > 0) {
      if (!Instr()) return false;
    }
    return r_.at_end() || Bad("bytes after the function's end");
  }

  // Whether an instruction starts at body offset `at`: decodes the locals and the instructions up to there.
  bool InstructionStartsAt(size_t at) {
    auto entries = r_.U32();
    if (!entries) return false;
    for (uint32_t i = 0; i < *entries; ++i) {
      if (!Index() || !ValType()) return false;
    }
    while (depth_ > 0 && r_.offset() < at) {
      if (!Instr()) return false;
    }
    return depth_ > 0 && r_.offset() == at;
  }

  std::string why() const { return why_.empty() ? "truncated body or malformed LEB128" : why_; }
  size_t offset() const { return r_.offset(); }

 private:
  bool Bad(std::string why) {
    why_ = std::move(why);
    return false;
  }
  bool Unknown(const std::string& opcode) { return Bad("unknown opcode " + opcode); }

  bool Index() { return r_.U32().has_value(); }  // any u32 immediate: an index, a depth, a count
  bool Skip(size_t n) { return r_.Bytes(n).has_value(); }

  // A signed LEB128 (i32/i64.const) of at most max_bytes bytes; only its length matters here.
  bool SignedLeb(size_t max_bytes) { return r_.SkipLeb(max_bytes) || (!r_.at_end() && Bad("LEB128 too long")); }

  // The rest of a non-negative s33 (a type index in a block or heap type) whose first byte is b.
  bool TypeIndexS33(uint8_t b) {
    for (int i = 1; b & 0x80; ++i) {
      auto next = r_.Byte();
      if (!next) return false;
      if (i == 5) return Bad("s33 too long");
      b = *next;
    }
    return !(b & 0x40) || Bad("unknown type code");  // a set sign bit: negative, i.e. no type we know
  }

  static bool IsAbsHeapType(uint8_t b) { return b >= 0x69 && b <= 0x74; }                         // exn .. noexn
  static bool IsPlainValType(uint8_t b) { return (b >= 0x7b && b <= 0x7f) || IsAbsHeapType(b); }  // num, v128, ref

  bool HeapType() {
    auto b = r_.Byte();
    if (!b) return false;
    return IsAbsHeapType(*b) || TypeIndexS33(*b);
  }

  // A value type: one byte, or 0x63/0x64 (ref null / ref) and a heap type.
  bool ValType() {
    auto b = r_.Byte();
    if (!b) return false;
    if (IsPlainValType(*b)) return true;
    if (*b == 0x63 || *b == 0x64) return HeapType();
    return Bad("unknown value type " + Hex(*b));
  }

  // 0x40 (no result), a value type, or a type index as a non-negative s33.
  bool BlockType() {
    auto b = r_.Byte();
    if (!b) return false;
    if (*b == 0x40 || IsPlainValType(*b)) return true;
    if (*b == 0x63 || *b == 0x64) return HeapType();
    return TypeIndexS33(*b);
  }

  // Alignment flags (bit 6: a memory index follows), then the offset (u64 for memory64).
  bool MemArg() {
    auto align = r_.U32();
    if (!align) return false;
    if (*align >= 0x80) return Bad("bad memarg flags " + Hex(*align));
    if ((*align & 0x40) && !Index()) return false;
    return r_.U64().has_value();
  }

  // A vector of u32 (br_table's labels, without the default).
  bool Indices() {
    auto n = r_.U32();
    if (!n) return false;
    for (uint32_t i = 0; i < *n; ++i) {
      if (!Index()) return false;
    }
    return true;
  }

  // try_table's catch clauses: catch / catch_ref (tag, label), catch_all / catch_all_ref (label).
  bool Catches() {
    auto n = r_.U32();
    if (!n) return false;
    for (uint32_t i = 0; i < *n; ++i) {
      auto kind = r_.Byte();
      if (!kind) return false;
      if (*kind > 3) return Bad("unknown catch kind " + Hex(*kind));
      if (*kind < 2 && !Index()) return false;
      if (!Index()) return false;
    }
    return true;
  }

  bool Instr() {
    auto op = r_.Byte();
    if (!op) return false;
    switch (*op) {
      // Control: structured instructions open a block that `end` (or `delegate`) closes.
      case 0x02:  // block
      case 0x03:  // loop
      case 0x04:  // if
      case 0x06:  // try (legacy exception handling)
        ++depth_;
        return BlockType();
      case 0x1f:  // try_table
        ++depth_;
        return BlockType() && Catches();
      case 0x0b:  // end
        --depth_;
        return true;
      case 0x18:  // delegate: closes a try
        --depth_;
        return Index();
      case 0x00:  // unreachable
      case 0x01:  // nop
      case 0x05:  // else
      case 0x0a:  // throw_ref
      case 0x0f:  // return
      case 0x19:  // catch_all
      case 0x1a:  // drop
      case 0x1b:  // select
      case 0xd1:  // ref.is_null
      case 0xd3:  // ref.eq
      case 0xd4:  // ref.as_non_null
        return true;
      case 0x07:  // catch tag
      case 0x08:  // throw tag
      case 0x09:  // rethrow depth
      case 0x0c:  // br
      case 0x0d:  // br_if
      case 0x10:  // call
      case 0x12:  // return_call
      case 0x14:  // call_ref type
      case 0x15:  // return_call_ref type
      case 0x20:  // local.get
      case 0x21:  // local.set
      case 0x22:  // local.tee
      case 0x23:  // global.get
      case 0x24:  // global.set
      case 0x25:  // table.get
      case 0x3f:  // memory.size memidx
      case 0x40:  // memory.grow memidx
      case 0xd2:  // ref.func
      case 0xd5:  // br_on_null
      case 0xd6:  // br_on_non_null
        return Index();
      case 0x26:  // table.set
        facts_.mutates_tables = true;
        return Index();
      case 0x0e:  // br_table: labels, then the default
        return Indices() && Index();
      case 0x11:  // call_indirect type table
      case 0x13:  // return_call_indirect type table
        return Index() && Index();
      case 0x1c: {  // select with a vector of value types
        auto n = r_.U32();
        if (!n) return false;
        for (uint32_t i = 0; i < *n; ++i) {
          if (!ValType()) return false;
        }
        return true;
      }
      case 0x41: return SignedLeb(5);   // i32.const
      case 0x42: return SignedLeb(10);  // i64.const
      case 0x43: return Skip(4);        // f32.const
      case 0x44: return Skip(8);        // f64.const
      case 0xd0: return HeapType();     // ref.null
      case 0xfc: return MiscOp();
      case 0xfd: return SimdOp();
      case 0xfe: return AtomicOp();
    }
    if (*op >= 0x28 && *op <= 0x3e) return MemArg();  // loads and stores
    if (*op >= 0x45 && *op <= 0xc4) return true;      // numeric, sign extension: no immediates
    return Unknown(Hex(*op));
  }

  // 0xFC: saturating truncation, bulk memory, tables.
  bool MiscOp() {
    auto sub = r_.U32();
    if (!sub) return false;
    switch (*sub) {
      case 8: return Index() && Index();  // memory.init data mem
      case 9:                             // data.drop
        facts_.drops_segments = true;
        return Index();
      case 10: return Index() && Index();  // memory.copy mem mem
      case 11: return Index();             // memory.fill mem
      case 12:                             // table.init elem table
        facts_.mutates_tables = true;
        return Index() && Index();
      case 13:  // elem.drop
        facts_.mutates_tables = facts_.drops_segments = true;
        return Index();
      case 14:  // table.copy table table
        facts_.mutates_tables = true;
        return Index() && Index();
      case 15:  // table.grow
      case 17:  // table.fill
        facts_.mutates_tables = true;
        return Index();
      case 16: return Index();  // table.size
    }
    if (*sub <= 7) return true;  // trunc_sat
    return Unknown("0xfc " + std::to_string(*sub));
  }

  // 0xFD: SIMD and relaxed SIMD.
  bool SimdOp() {
    auto sub = r_.U32();
    if (!sub) return false;
    const uint32_t s = *sub;
    if (s <= 0x0b || s == 0x5c || s == 0x5d) return MemArg();  // v128 loads, store, load_zero
    if (s >= 0x54 && s <= 0x5b) return MemArg() && Skip(1);    // load/store_lane: memarg, lane
    if (s == 0x0c || s == 0x0d) return Skip(16);               // v128.const, i8x16.shuffle
    if (s >= 0x15 && s <= 0x22) return Skip(1);                // extract/replace_lane
    // Everything else up to the end of relaxed SIMD (0x113) has no immediates, except these unassigned codes.
    static constexpr uint32_t kGaps[] = {0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb,
                                         0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2, 0xd3, 0xd4, 0xe2, 0xee};
    if (s <= 0x113 && std::find(std::begin(kGaps), std::end(kGaps), s) == std::end(kGaps)) return true;
    return Unknown("0xfd " + std::to_string(s));
  }

  // 0xFE: threads. atomic.fence has a zero byte, the rest a memarg.
  bool AtomicOp() {
    facts_.uses_atomics = true;
    auto sub = r_.U32();
    if (!sub) return false;
    if (*sub == 0x03) return Skip(1);
    if (*sub <= 0x02 || (*sub >= 0x10 && *sub <= 0x4e)) return MemArg();
    return Unknown("0xfe " + std::to_string(*sub));
  }

  BinaryReader r_;
  CodeFacts& facts_;
  int depth_ = 1;  // open blocks, the function's own included
  std::string why_;
};

Error Invalid(uint32_t func, size_t offset, const std::string& why) {
  return Fail(ErrorCode::kInvalidModule,
              "code section: function " + std::to_string(func) + ": " + why + " at byte " + std::to_string(offset));
}

}  // namespace

bool InstructionStartsAt(std::span<const uint8_t> function_body, size_t offset) {
  CodeFacts ignored;
  return BodyScanner(function_body, ignored).InstructionStartsAt(offset);
}

Result<CodeFacts> ScanCode(std::span<const uint8_t> code_section_body) {
  CodeFacts facts;
  BinaryReader r(code_section_body);
  auto count = r.U32();
  if (!count) return Fail(ErrorCode::kInvalidModule, "code section: truncated function count");
  for (uint32_t i = 0; i < *count; ++i) {
    auto size = r.U32();
    const size_t start = r.offset();
    auto body = size ? r.Bytes(*size) : std::nullopt;
    if (!body) return Invalid(i, start, "truncated body size or body");
    BodyScanner scanner(*body, facts);
    if (!scanner.Scan()) return Invalid(i, start + scanner.offset(), scanner.why());
  }
  if (!r.at_end()) return Invalid(*count, r.offset(), "bytes after the last function");
  return facts;
}

}  // namespace capsule::internal
