// Tells the Capsule ABI generation of a module from its exports and imports.
#include <array>
#include <string_view>

#include "capsule/abi.h"

namespace capsule {
namespace {

constexpr std::array<std::string_view, 3> kCurrentOnlyExports = {"callHandleJSON", "callHandleHTTP", "OnHealthCheck"};
constexpr std::array<std::string_view, 3> kLegacyOnlyExports = {"callHandleHttp", "callNatsMessageHandle",
                                                                "callMqttMessageHandle"};
// "env" imports that only one generation's SDK declares.
constexpr std::array<std::string_view, 8> kCurrentOnlyImports = {"hostPrintString", "hostTalk",     "hostHTTP",
                                                                 "hostCacheSet",    "hostCacheGet", "hostCacheDel",
                                                                 "hostCacheKeys",   "hostRedisDel"};
constexpr std::array<std::string_view, 20> kLegacyOnlyImports = {
    "hostGetHostInformation", "hostRequestParamsGet",   "hostHttp",
    "hostMemorySet",          "hostMemoryGet",          "hostMemoryKeys",
    "hostGetExitError",       "hostGetExitCode",        "hostNatsPublish",
    "hostNatsGetSubject",     "hostNatsGetServer",      "hostNatsReply",
    "hostNatsConnectPublish", "hostNatsConnectRequest", "hostMqttPublish",
    "hostMqttGetTopic",       "hostMqttGetServer",      "hostMqttGetClientId",
    "hostMqttConnectPublish", "hostCouchBaseQuery"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::string_view n : names)
    if (n == name) return true;
  return false;
}

template <size_t N>
bool ExportsAny(const ModuleInfo& module, const std::array<std::string_view, N>& names) {
  for (std::string_view n : names)
    if (module.ExportsFunc(n)) return true;
  return false;
}

// +1 when the "env" imports look current, -1 when they look legacy, 0 when they say nothing.
int ImportEvidence(const ModuleInfo& module) {
  int current = 0, legacy = 0;
  for (const ImportInfo& imp : module.imports) {
    if (imp.module != "env" || imp.kind != ExternKind::kFunc) continue;
    if (Contains(kCurrentOnlyImports, imp.name)) ++current;
    if (Contains(kLegacyOnlyImports, imp.name)) ++legacy;
    // Before v0.3.0, capsulemodule declared its host functions without a result.
    if (imp.name.starts_with("host") && imp.func_type.results.empty()) ++legacy;
  }
  if (current > legacy) return 1;
  if (legacy > current) return -1;
  return 0;
}

LegacyHttpShape HttpShape(const ModuleInfo& module) {
  const ExportInfo* e = module.FindExport("callHandleHttp");
  if (!e || e->kind != ExternKind::kFunc) return LegacyHttpShape::kNone;
  switch (e->func_type.params.size()) {
    case 1: return LegacyHttpShape::kRequestId;
    case 4: return LegacyHttpShape::kBodyHeaders;
    case 8: return LegacyHttpShape::kFourStrings;
    default: return LegacyHttpShape::kNone;
  }
}

// Marks an instance's generation; pointed to from InstanceData, never written.
struct AbiTag {
  AbiKind kind;
};
AbiTag current_tag{AbiKind::kCurrent};
AbiTag legacy_tag{AbiKind::kLegacy};

}  // namespace

const char* AbiKindName(AbiKind kind) {
  return kind == AbiKind::kLegacy ? "legacy" : "current";
}

Result<AbiInfo> DetectAbi(const ModuleInfo& module) {
  bool current = ExportsAny(module, kCurrentOnlyExports);
  bool legacy = ExportsAny(module, kLegacyOnlyExports);
  if (!current && !legacy && !module.ExportsFunc("callHandle"))
    return Fail(ErrorCode::kNotFound,
                "not a Capsule module: it exports none of callHandle, callHandleJSON, callHandleHTTP (current "
                "ABI) or callHandleHttp, callNatsMessageHandle, callMqttMessageHandle (legacy capsulemodule)");
  if (current == legacy) {
    int evidence = ImportEvidence(module);
    current = evidence >= 0;
    legacy = !current;
  }
  AbiInfo info;
  info.kind = legacy ? AbiKind::kLegacy : AbiKind::kCurrent;
  if (legacy) info.legacy_http = HttpShape(module);
  return info;
}

AbiKind InstanceAbi(Instance& instance) {
  if (const AbiTag* tag = instance.data().get<AbiTag>()) return tag->kind;
  auto info = DetectAbi(instance.module().info());
  AbiKind kind = info ? info->kind : AbiKind::kCurrent;
  RecordAbi(instance, kind);
  return kind;
}

void RecordAbi(Instance& instance, AbiKind kind) {
  RecordAbi(instance.data(), kind);
}

void RecordAbi(InstanceData& data, AbiKind kind) {
  data.set<AbiTag>(kind == AbiKind::kLegacy ? &legacy_tag : &current_tag);
}

Result<std::unique_ptr<Instance>> InstantiateCapsuleModule(Context& context, std::shared_ptr<const Module> module,
                                                           std::shared_ptr<const Linker> linker, InstanceData data) {
  auto info = DetectAbi(module->info());
  RecordAbi(data, info ? info->kind : AbiKind::kCurrent);
  return context.Instantiate(std::move(module), std::move(linker), std::move(data));
}

}  // namespace capsule
