// Unit tests of ScanCode: hand-assembled code sections, then every guest module the build produces from C.
#include "engine/code_scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/binary_reader.h"

namespace capsule::internal {
namespace {

using Bytes = std::vector<uint8_t>;

// A code section body holding the given function bodies (each: locals vector, instructions, end).
Bytes CodeSection(std::initializer_list<Bytes> bodies) {
  std::string out;
  AppendLeb(out, bodies.size());
  for (const Bytes& b : bodies) {
    AppendLeb(out, b.size());
    out.append(b.begin(), b.end());
  }
  return Bytes(out.begin(), out.end());
}

// One function without locals whose instructions are `code` followed by the function's end.
Bytes OneFunction(Bytes code) {
  code.insert(code.begin(), 0x00);
  code.push_back(0x0b);
  return CodeSection({code});
}

Result<CodeFacts> Scan(const Bytes& section) {
  return ScanCode(section);
}

void ExpectFacts(const Result<CodeFacts>& facts, bool tables, bool segments, bool atomics) {
  ASSERT_TRUE(facts.ok()) << facts.error().message;
  EXPECT_EQ(facts->mutates_tables, tables);
  EXPECT_EQ(facts->drops_segments, segments);
  EXPECT_EQ(facts->uses_atomics, atomics);
}

void ExpectInvalid(const Result<CodeFacts>& facts, const std::string& message_part) {
  ASSERT_FALSE(facts.ok());
  EXPECT_EQ(facts.error().code, ErrorCode::kInvalidModule);
  EXPECT_NE(facts.error().message.find(message_part), std::string::npos) << facts.error().message;
}

TEST(CodeScanTest, MvpArithmeticAndControlChangeNothing) {
  const Bytes counter = {
      0x01, 0x02, 0x7f,                                // locals: 2 x i32
      0x02, 0x40,                                      // block
      0x03, 0x40,                                      //   loop
      0x20, 0x00, 0x41, 0x01,                          //     local.get 0, i32.const 1
      0x6a, 0x22, 0x00,                                //     i32.add, local.tee 0
      0x41, 0x0a, 0x48,                                //     i32.const 10, i32.lt_s
      0x0d, 0x00,                                      //     br_if 0
      0x0b, 0x0b,                                      //   end, end
      0x20, 0x00, 0x04, 0x7f,                          // local.get 0, if (result i32)
      0x41, 0x01, 0x05,                                //   i32.const 1, else
      0x41, 0x02, 0x0b,                                //   i32.const 2, end
      0x28, 0x02, 0x08,                                // i32.load align=2 offset=8
      0x36, 0x02, 0x00,                                // ... (operands aside) i32.store
      0x44, 0,    0,    0,    0,    0, 0, 0xf0, 0x3f,  // f64.const 1.0
      0x43, 0,    0,    0x80, 0x3f,                    // f32.const 1.0
      0xbb, 0xc0, 0x1a, 0x1a,                          // f64.promote_f32, i32.extend8_s, drop, drop
      0x10, 0x00,                                      // call 0
      0x11, 0x00, 0x00,                                // call_indirect type 0 table 0
      0x25, 0x00, 0x1a,                                // table.get 0 (reads only), drop
      0x0f, 0x0b,                                      // return, end
  };
  ExpectFacts(Scan(CodeSection({counter, {0x00, 0x01, 0x0b}})), false, false, false);
  ExpectFacts(Scan(CodeSection({})), false, false, false);
}

TEST(CodeScanTest, BulkMemoryOnLinearMemoryIsFine) {
  ExpectFacts(Scan(OneFunction({
                  0xfc, 0x0b, 0x00,        // memory.fill 0
                  0xfc, 0x0a, 0x00, 0x00,  // memory.copy 0 0
                  0xfc, 0x08, 0x00, 0x00,  // memory.init data 0 memory 0
                  0x3f, 0x00, 0x40, 0x00,  // memory.size, memory.grow
                  0xfc, 0x00, 0xfc, 0x07,  // i32.trunc_sat_f32_s, i64.trunc_sat_f64_u
              })),
              false, false, false);
}

TEST(CodeScanTest, TableMutations) {
  struct Case {
    const char* name;
    Bytes code;
    bool drops;
  };
  const Case cases[] = {
      {"table.set", {0x26, 0x00}, false},
      {"table.grow", {0xfc, 0x0f, 0x00}, false},
      {"table.fill", {0xfc, 0x11, 0x00}, false},
      {"table.copy", {0xfc, 0x0e, 0x00, 0x00}, false},
      {"table.init", {0xfc, 0x0c, 0x00, 0x00}, false},
      {"elem.drop", {0xfc, 0x0d, 0x00}, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectFacts(Scan(OneFunction(c.code)), true, c.drops, false);
  }
  ExpectFacts(Scan(OneFunction({0xfc, 0x10, 0x00, 0x1a})), false, false, false);  // table.size only reads
}

TEST(CodeScanTest, DataDropDropsASegment) {
  ExpectFacts(Scan(OneFunction({0xfc, 0x09, 0x00})), false, true, false);
}

TEST(CodeScanTest, AtomicsAreReported) {
  ExpectFacts(Scan(OneFunction({0x41, 0x00, 0x41, 0x01, 0xfe, 0x1e, 0x02, 0x00, 0x1a})), false, false,
              true);                                                       // rmw.add
  ExpectFacts(Scan(OneFunction({0xfe, 0x03, 0x00})), false, false, true);  // atomic.fence
}

// Immediates that hold the byte of table.set (0x26) or of a 0xFC table op must be skipped, not decoded.
TEST(CodeScanTest, SimdImmediatesAreSkipped) {
  Bytes code = {0xfd, 0x0c};  // v128.const
  for (int i = 0; i < 16; ++i) code.push_back(i % 2 ? 0x26 : 0xfc);
  code.insert(code.end(), {0xfd, 0x0c});
  for (int i = 0; i < 16; ++i) code.push_back(0x26);
  code.insert(code.end(), {0xfd, 0x0d});  // i8x16.shuffle
  for (int i = 0; i < 16; ++i) code.push_back(i == 3 ? 0x0d : 0x26);
  code.insert(code.end(), {
                              0xfd, 0x15, 0x26,              // i8x16.extract_lane_s 0x26 (lane only framed)
                              0xfd, 0x54, 0x00, 0x26, 0x01,  // v128.load8_lane offset 0x26 lane 1
                              0xfd, 0x5c, 0x02, 0x26,        // v128.load32_zero
                              0xfd, 0x80, 0x02,              // i8x16.relaxed_swizzle (0x100)
                              0xfd, 0x93, 0x02,              // i32x4.relaxed_dot_i8x16_i7x16_add_s (0x113)
                              0xfd, 0xff, 0x01,              // f64x2.convert_low_i32x4_u (0xff)
                              0x1a,
                          });
  ExpectFacts(Scan(OneFunction(code)), false, false, false);
}

TEST(CodeScanTest, ConstImmediatesAreSkipped) {
  ExpectFacts(Scan(OneFunction({
                  0x41, 0x26, 0x1a,                    // i32.const 38
                  0x41, 0xa6, 0x26, 0x1a,              // i32.const (two bytes)
                  0x42, 0xa6, 0xa6, 0xa6, 0x26, 0x1a,  // i64.const
                  0x43, 0x26, 0xfc, 0x0d, 0x26, 0x1a,  // f32.const with table-op bytes
              })),
              false, false, false);
}

TEST(CodeScanTest, BrTable) {
  ExpectFacts(Scan(OneFunction({
                  0x02, 0x40, 0x02, 0x40,              // block, block
                  0x41, 0x00,                          // i32.const 0
                  0x0e, 0x03, 0x00, 0x01, 0x26, 0x00,  // br_table [0 1 38] 0
                  0x0b, 0x0b,                          // end, end
              })),
              false, false, false);
}

TEST(CodeScanTest, LaterProposals) {
  const Bytes code = {
      0x02, 0x02, 0x63, 0x70, 0x00, 0x64, 0x00,        // locals: 2 x (ref null func), 0 x (ref $0)
      0x02, 0x00, 0x0b,                                // block (type 0), end
      0x02, 0x7b, 0x0b,                                // block (result v128), end
      0x02, 0x63, 0x6f, 0x0b,                          // block (result (ref null extern)), end
      0x06, 0x40,                                      // try
      0x08, 0x00,                                      //   throw 0
      0x07, 0x00, 0x09, 0x00,                          // catch 0, rethrow 0
      0x19, 0x0b,                                      // catch_all, end
      0x06, 0x40, 0x18, 0x00,                          // try, delegate 0
      0x1f, 0x40, 0x04,                                // try_table with 4 catches:
      0x00, 0x00, 0x00, 0x01, 0x00, 0x00,              //   catch 0 0, catch_ref 0 0
      0x02, 0x00, 0x03, 0x00,                          //   catch_all 0, catch_all_ref 0
      0x0a, 0x0b,                                      //   throw_ref, end
      0xd0, 0x70, 0xd0, 0x00,                          // ref.null func, ref.null $0
      0xd1, 0xd2, 0x00, 0xd4,                          // ref.is_null, ref.func 0, ref.as_non_null
      0x1c, 0x01, 0x7f,                                // select (result i32)
      0x02, 0x40, 0xd5, 0x00, 0xd6, 0x00,              // block, br_on_null 0, br_on_non_null 0
      0x0b, 0x14, 0x00,                                // end, call_ref 0
      0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20,  // i32.load, memory64 offset 2^40
      0x28, 0x42, 0x01, 0x00,                          // i32.load from memory 1 (multi-memory memarg)
      0x12, 0x00, 0x13, 0x00, 0x00,                    // return_call 0, return_call_indirect 0 0
      0x15, 0x00, 0x0b,                                // return_call_ref 0, end
  };
  ExpectFacts(Scan(CodeSection({code})), false, false, false);
}

TEST(CodeScanTest, TruncatedInputFails) {
  ExpectInvalid(Scan({0x01, 0x05, 0x00, 0x41, 0x00}), "truncated");           // body size past the section
  ExpectInvalid(Scan(CodeSection({{0x00, 0x41, 0x00}})), "truncated");        // no final end
  ExpectInvalid(Scan(CodeSection({{0x00, 0x41, 0x80}})), "truncated");        // LEB cut short
  ExpectInvalid(Scan(CodeSection({{0x00, 0xfd, 0x0c, 0, 0, 0}})), "trunc");   // v128.const with 3 bytes
  ExpectInvalid(Scan(CodeSection({{0x00, 0x02, 0x40, 0x0b}})), "truncated");  // block left open
  ExpectInvalid(Scan({0x02, 0x02, 0x00, 0x0b}), "function 1");                // second body missing
  ExpectInvalid(Scan(CodeSection({{0x00, 0x0b, 0x01}})), "after the function's end");
}

TEST(CodeScanTest, UnknownOpcodesFail) {
  ExpectInvalid(Scan(OneFunction({0xff})), "unknown opcode 0xff");
  ExpectInvalid(Scan(OneFunction({0x27})), "unknown opcode 0x27");
  ExpectInvalid(Scan(OneFunction({0xfb, 0x00, 0x00})), "unknown opcode 0xfb");  // GC is not decoded
  ExpectInvalid(Scan(OneFunction({0xfc, 0x12})), "unknown opcode 0xfc 18");
  ExpectInvalid(Scan(OneFunction({0xfd, 0x9a, 0x01})), "unknown opcode 0xfd 154");  // a gap in the SIMD table
  ExpectInvalid(Scan(OneFunction({0xfd, 0x94, 0x02})), "unknown opcode 0xfd 276");  // past relaxed SIMD
  ExpectInvalid(Scan(OneFunction({0xfe, 0x04})), "unknown opcode 0xfe 4");
  ExpectInvalid(Scan(OneFunction({0x02, 0x7a, 0x0b})), "unknown type code");                // block type
  ExpectInvalid(Scan(CodeSection({{0x01, 0x01, 0x40, 0x0b}})), "unknown value type 0x40");  // local
}

// The code section body of a module, found by walking its sections; empty if it has none.
std::optional<Bytes> CodeSectionOf(const Bytes& module) {
  if (module.size() < 8) return std::nullopt;
  BinaryReader r(std::span<const uint8_t>(module).subspan(8));  // magic and version
  while (!r.at_end()) {
    auto id = r.Byte();
    auto size = r.U32();
    auto body = size ? r.Bytes(*size) : std::nullopt;
    if (!id || !body) return std::nullopt;
    if (*id == 10) return Bytes(body->begin(), body->end());
  }
  return Bytes{};
}

TEST(CodeScanTest, ScansEveryGuestModule) {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(CAPSULE_GUEST_DIR)) {
    if (entry.path().extension() == ".wasm") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  ASSERT_FALSE(paths.empty()) << "no guests in " << CAPSULE_GUEST_DIR;
  for (const auto& path : paths) {
    SCOPED_TRACE(path.string());
    std::ifstream in(path, std::ios::binary);
    const Bytes module((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto code = CodeSectionOf(module);
    ASSERT_TRUE(code.has_value());
    if (code->empty()) continue;  // no functions
    auto facts = ScanCode(*code);
    ASSERT_TRUE(facts.ok()) << facts.error().message;
    std::cout << path.filename().string() << ": " << code->size() << " code bytes, mutates_tables "
              << facts->mutates_tables << ", drops_segments " << facts->drops_segments << ", uses_atomics "
              << facts->uses_atomics << "\n";
  }
}

}  // namespace
}  // namespace capsule::internal
