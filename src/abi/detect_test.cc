#include <string>

#include <gtest/gtest.h>

#include "capsule/abi.h"
#include "capsule/engine.h"

namespace capsule {
namespace {

const FuncType kHandler{{ValType::kI32, ValType::kI32}, {ValType::kI64}};

ModuleInfo WithExports(std::initializer_list<const char*> names) {
  ModuleInfo info;
  for (const char* name : names)
    info.exports.push_back(ExportInfo{.name = name, .kind = ExternKind::kFunc, .func_type = kHandler});
  return info;
}

void Import(ModuleInfo& info, const char* name, bool with_result = true) {
  FuncType type{{ValType::kI32, ValType::kI32}, {}};
  if (with_result) type.results.push_back(ValType::kI32);
  info.imports.push_back(ImportInfo{.module = "env", .name = name, .kind = ExternKind::kFunc, .func_type = type});
}

TEST(DetectAbi, CurrentFromItsExports) {
  auto info = DetectAbi(WithExports({"callHandle", "callHandleJSON", "callHandleHTTP", "allocateBuffer"}));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->kind, AbiKind::kCurrent);
  EXPECT_EQ(info->legacy_http, LegacyHttpShape::kNone);
}

TEST(DetectAbi, LegacyFromItsExports) {
  ModuleInfo module = WithExports({"callHandle", "callNatsMessageHandle"});
  module.exports.push_back(ExportInfo{
      .name = "callHandleHttp", .kind = ExternKind::kFunc, .func_type = FuncType{{ValType::kI32}, {ValType::kI64}}});
  auto info = DetectAbi(module);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->kind, AbiKind::kLegacy);
  EXPECT_EQ(info->legacy_http, LegacyHttpShape::kRequestId);
}

TEST(DetectAbi, OnlyCallHandleUsesImports) {
  ModuleInfo plain = WithExports({"callHandle"});
  EXPECT_EQ(DetectAbi(plain)->kind, AbiKind::kCurrent);

  ModuleInfo current = plain;
  Import(current, "hostPrintString");
  EXPECT_EQ(DetectAbi(current)->kind, AbiKind::kCurrent);

  ModuleInfo legacy = plain;
  Import(legacy, "hostGetHostInformation");
  EXPECT_EQ(DetectAbi(legacy)->kind, AbiKind::kLegacy);

  ModuleInfo old = plain;
  Import(old, "hostLogString", /*with_result=*/false);
  EXPECT_EQ(DetectAbi(old)->kind, AbiKind::kLegacy);
}

TEST(DetectAbi, NoHandlerIsNotACapsuleModule) {
  auto info = DetectAbi(WithExports({"_start", "malloc"}));
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::kNotFound);
  EXPECT_NE(info.error().message.find("callHandle"), std::string::npos);
}

Result<AbiInfo> DetectGuest(const std::string& name) {
  auto bytes = ReadFileBytes(std::string(CAPSULE_GUEST_DIR) + "/" + name + ".wasm");
  if (!bytes) return bytes.take_error();
  auto engine = Engine::Create();
  if (!engine) return engine.take_error();
  auto module = (*engine)->Compile(*bytes);
  if (!module) return module.take_error();
  return DetectAbi((*module)->info());
}

TEST(DetectAbi, BuiltGuests) {
  auto current = DetectGuest("abi_current");
  ASSERT_TRUE(current.ok()) << current.error().message;
  EXPECT_EQ(current->kind, AbiKind::kCurrent);

  auto legacy = DetectGuest("abi_legacy");
  ASSERT_TRUE(legacy.ok()) << legacy.error().message;
  EXPECT_EQ(legacy->kind, AbiKind::kLegacy);
  EXPECT_EQ(legacy->legacy_http, LegacyHttpShape::kRequestId);

  auto v02 = DetectGuest("abi_legacy_v02");
  ASSERT_TRUE(v02.ok()) << v02.error().message;
  EXPECT_EQ(v02->kind, AbiKind::kLegacy);
  EXPECT_EQ(v02->legacy_http, LegacyHttpShape::kFourStrings);
}

}  // namespace
}  // namespace capsule
