// The values of the spec's scripts (wast2json's JSON): arguments as Values, expected results as patterns (exact
// bits, nan:canonical, nan:arithmetic, v128 lanes, null or non-null references).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "capsule/result.h"
#include "capsule/values.h"

namespace capsule::spec {

// The host pointers standing for a script's `ref.extern N`: one stable pointer per N.
class ExternRefs {
 public:
  // The pointer of N (made on first use).
  void* Get(uint64_t n);
  // The N a pointer stands for, or nullopt when it is not one of ours.
  std::optional<uint64_t> Find(const void* p) const;

 private:
  std::map<uint64_t, std::unique_ptr<uint64_t>> refs_;
};

// The value type named by a script ("i32", ..., "funcref", "externref"), or nullopt.
std::optional<ValType> ParseValType(const std::string& name);

// A script argument ({"type": "i32", "value": "42"}, v128 lanes, "null" references) as a Value. Errors:
// kInvalidArgument for what the JSON cannot mean (including a non-null funcref, which a script cannot name).
Result<Value> ParseValue(const nlohmann::json& value, ExternRefs& refs);

// Whether actual is what the script expects: the same bits, a NaN of the pattern's kind, every v128 lane so, the
// null reference, the same externref, or any non-null reference when the script gives no value. Errors: as
// ParseValue.
Result<bool> Matches(const nlohmann::json& expected, const Value& actual, ExternRefs& refs);

// A value for failure messages: "i32:42", "f32:0x7fc00000", "v128:0x...", "funcref:non-null", "externref:3".
std::string Describe(const Value& value, const ExternRefs& refs);

}  // namespace capsule::spec
