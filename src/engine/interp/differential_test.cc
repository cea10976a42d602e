// Differential test: random valid modules from binaryen (wasm-opt --translate-to-fuzz) run on interp and on V8
// with the same inputs; every export's results, traps, host-call logs and the final memory must agree. WebAssembly
// 2.0 with SIMD (v128 arguments, results and host calls such as fuzzing-support.log-v128 included), without
// reference types: binaryen 108 generates them as typed function references ((ref $t) values and their
// subtyping), which 2.0 does not have. A bounded run here; scripts/interp_differential.sh runs many more seeds
// (CAPSULE_DIFF_SEEDS, CAPSULE_DIFF_FIRST_SEED).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

#include "capsule/engine.h"

namespace capsule {
namespace {

constexpr const char* kFeatures =
    "--enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int --enable-bulk-memory "
    "--enable-multivalue --enable-simd --disable-reference-types";

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

// A random module made by binaryen from seed's bytes; empty when wasm-opt failed.
std::vector<uint8_t> RandomModule(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<char> input(1000 + rng() % 7000);
  for (char& c : input) c = static_cast<char>(rng());
  char dir[] = "/tmp/interp_diff_XXXXXX";
  if (!mkdtemp(dir)) return {};
  const std::string in = std::string(dir) + "/in.dat", out = std::string(dir) + "/out.wasm";
  std::ofstream(in, std::ios::binary).write(input.data(), static_cast<std::streamsize>(input.size()));
  const std::string cmd = "wasm-opt -ttf " + in + " " + kFeatures + " --denan -o " + out + " >/dev/null 2>&1";
  const int rc = std::system(cmd.c_str());
  auto bytes = ReadFileBytes(out);
  std::remove(in.c_str());
  std::remove(out.c_str());
  rmdir(dir);
  if (rc != 0 || !bytes) return {};
  return *bytes;
}

// Whether values of these types can be made and compared here: numbers and vectors, no references.
bool Numeric(const std::vector<ValType>& types) {
  for (ValType t : types)
    if (IsRefType(t)) return false;
  return true;
}

// What a value reads as for comparison: its bits, with every NaN alike (NaN payloads may differ by spec).
std::string Show(const Value& v) {
  switch (v.type) {
    case ValType::kI32: return "i32:" + std::to_string(v.i32());
    case ValType::kI64: return "i64:" + std::to_string(v.i64());
    case ValType::kF32: {
      if (std::isnan(v.f32())) return "f32:nan";
      uint32_t b;
      std::memcpy(&b, &v.of.f32, 4);
      return "f32:" + std::to_string(b);
    }
    case ValType::kF64: {
      if (std::isnan(v.f64())) return "f64:nan";
      uint64_t b;
      std::memcpy(&b, &v.of.f64, 8);
      return "f64:" + std::to_string(b);
    }
    case ValType::kV128: {
      std::string text = "v128:";
      char byte[3];
      for (uint8_t b : v.v128().bytes) {
        std::snprintf(byte, sizeof byte, "%02x", b);
        text += byte;
      }
      return text;
    }
    default: return "?";
  }
}

// One engine's run of a module: everything observable, as text lines.
struct Observed {
  std::vector<std::string> events;
  bool compiled = false;
};

Observed RunOn(const std::string& backend, const std::vector<uint8_t>& wasm, uint64_t seed) {
  Observed run;
  auto engine = *Engine::Create({.backend = backend});
  auto context = *engine->NewContext();
  auto module = engine->Compile(wasm);
  if (!module) {
    run.events.push_back("compile error");
    return run;
  }
  run.compiled = true;
  auto linker = std::make_shared<Linker>();
  for (const ImportInfo& imp : (*module)->imports()) {
    if (imp.kind != ExternKind::kFunc) continue;
    const std::string name = imp.module + "." + imp.name;
    linker->Define(imp.module, imp.name, imp.func_type,
                   [&run, name](Caller&, std::span<const Value> args, std::span<Value> results) {
                     std::string line = "host " + name;
                     for (const Value& a : args) line += " " + Show(a);
                     run.events.push_back(line);
                     for (Value& r : results) r = Value::Default(r.type);
                     return Status::Ok();
                   });
  }
  auto instance = context->Instantiate(*module, linker);
  if (!instance) {
    run.events.push_back(std::string("instantiate: ") + instance.error().code_name());
    return run;
  }
  Instance& in = **instance;
  std::mt19937_64 rng(seed * 7919);
  for (const ExportInfo& e : (*module)->exports()) {
    if (e.kind != ExternKind::kFunc || e.name == "hangLimitInitializer") continue;
    if (!Numeric(e.func_type.params) || !Numeric(e.func_type.results)) continue;
    if ((*module)->info().ExportsFunc("hangLimitInitializer")) (void)in.Call("hangLimitInitializer", {});
    std::vector<Value> args;
    for (ValType t : e.func_type.params) {
      const int64_t small = static_cast<int64_t>(rng() % 5) - 1;
      switch (t) {
        case ValType::kI32: args.push_back(Value::I32(static_cast<int32_t>(small))); break;
        case ValType::kI64: args.push_back(Value::I64(small)); break;
        case ValType::kF32: args.push_back(Value::F32(static_cast<float>(small) * 0.5f)); break;
        case ValType::kV128: {
          V128 v{};
          for (size_t lane = 0; lane < 4; ++lane) v.set_lane<int32_t>(lane, static_cast<int32_t>(rng() % 5) - 1);
          args.push_back(Value::V128(v));
          break;
        }
        default: args.push_back(Value::F64(static_cast<double>(small) * 0.25)); break;
      }
    }
    CallOptions options;
    options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    auto r = in.Call(e.name, args, options);
    std::string line = "call " + e.name + " ->";
    if (!r) {
      line += std::string(" ") + r.error().code_name();
    } else {
      for (const Value& v : *r) line += " " + Show(v);
    }
    run.events.push_back(line);
    if (Memory* memory = in.memory()) {
      auto bytes = memory->Span(0, memory->size());
      uint64_t hash = 1469598103934665603ull;
      if (bytes)
        for (uint8_t b : *bytes) hash = (hash ^ b) * 1099511628211ull;
      run.events.push_back("memory " + std::to_string(memory->size()) + " " + std::to_string(hash));
    }
  }
  return run;
}

TEST(InterpDifferentialTest, RandomModulesBehaveAsOnV8) {
  const uint64_t first = EnvOr("CAPSULE_DIFF_FIRST_SEED", 1);
  const uint64_t count = EnvOr("CAPSULE_DIFF_SEEDS", 20);
  uint64_t compared = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    const std::vector<uint8_t> wasm = RandomModule(seed);
    if (wasm.empty()) continue;
    Observed v8 = RunOn("v8", wasm, seed);
    Observed interp = RunOn("interp", wasm, seed);
    if (interp.events != v8.events) {  // kept for a closer look
      const std::string path = "/tmp/interp_diff_seed" + std::to_string(seed) + ".wasm";
      std::ofstream(path, std::ios::binary)
          .write(reinterpret_cast<const char*>(wasm.data()), static_cast<std::streamsize>(wasm.size()));
      std::printf("seed %llu: the module is in %s\n", static_cast<unsigned long long>(seed), path.c_str());
    }
    ASSERT_EQ(interp.compiled, v8.compiled) << "seed " << seed << ": " << v8.events[0];
    if (interp.events != v8.events)
      for (size_t i = 0; i < std::max(interp.events.size(), v8.events.size()); ++i)
        std::printf("%zu: interp %s | v8 %s\n", i, i < interp.events.size() ? interp.events[i].c_str() : "-",
                    i < v8.events.size() ? v8.events[i].c_str() : "-");
    ASSERT_EQ(interp.events.size(), v8.events.size()) << "seed " << seed;
    for (size_t i = 0; i < v8.events.size(); ++i)
      ASSERT_EQ(interp.events[i], v8.events[i]) << "seed " << seed << ", event " << i;
    compared++;
    if (std::getenv("CAPSULE_DIFF_VERBOSE"))
      for (const auto& e : interp.events) std::printf("%llu %s\n", (unsigned long long)seed, e.c_str());
  }
  EXPECT_GE(compared, count * 9 / 10) << "wasm-opt failed on too many seeds";
  std::printf("compared %llu random modules\n", static_cast<unsigned long long>(compared));
}

}  // namespace
}  // namespace capsule
