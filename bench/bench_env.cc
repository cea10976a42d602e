#include "bench_env.h"

#include <map>

namespace capsule::bench {
namespace {

struct Env {
  std::shared_ptr<Engine> engine;
  std::unique_ptr<Context> context;
  std::map<std::string, std::vector<uint8_t>> bytes;
  std::map<std::string, std::shared_ptr<const Module>> modules;
  std::shared_ptr<const Linker> linker;
};

Env& TheEnv() {
  static Env* env = new Env;  // leaked on purpose; ShutdownEnv() releases the engine objects in order
  return *env;
}

std::string GuestDir() {
  if (const char* dir = std::getenv("CAPSULE_BENCH_GUEST_DIR")) return dir;
  return CAPSULE_GUEST_DIR;
}

}  // namespace

void Die(const std::string& what, const Error& error) {
  std::fprintf(stderr, "bench: %s: %s: %s\n", what.c_str(), error.code_name(), error.message.c_str());
  std::exit(2);
}

void Must(Status s, const std::string& what) {
  if (!s) Die(what, s.error());
}

const std::vector<uint8_t>& GuestBytes(const std::string& name) {
  auto& bytes = TheEnv().bytes;
  auto it = bytes.find(name);
  if (it == bytes.end()) it = bytes.emplace(name, Must(ReadFileBytes(GuestDir() + "/" + name + ".wasm"), name)).first;
  return it->second;
}

Engine& TheEngine() {
  Env& env = TheEnv();
  if (!env.engine) {
    EngineOptions options;
    if (const char* backend = std::getenv("CAPSULE_BENCH_ENGINE")) options.backend = backend;
    env.engine = Must(Engine::Create(options), "Engine::Create");
  }
  return *env.engine;
}

Context& TheContext() {
  Env& env = TheEnv();
  if (!env.context) env.context = Must(TheEngine().NewContext(), "Engine::NewContext");
  return *env.context;
}

std::shared_ptr<const Module> GuestModule(const std::string& name) {
  auto& modules = TheEnv().modules;
  auto it = modules.find(name);
  if (it == modules.end())
    it = modules.emplace(name, Must(TheEngine().Compile(GuestBytes(name)), "compile " + name)).first;
  return it->second;
}

const HostFunc& IncHostFunc() {
  static const HostFunc* fn = new HostFunc([](Caller&, std::span<const Value> args, std::span<Value> results) {
    results[0] = Value::I32(args[0].i32() + 1);
    return Status::Ok();
  });
  return *fn;
}

std::shared_ptr<const Linker> BenchLinker() {
  Env& env = TheEnv();
  if (!env.linker) {
    auto linker = std::make_shared<Linker>();
    linker->Define("bench", "inc", FuncType{{ValType::kI32}, {ValType::kI32}}, IncHostFunc());
    env.linker = std::move(linker);
  }
  return env.linker;
}

void ShutdownEnv() {
  Env& env = TheEnv();
  env.context.reset();
  env.modules.clear();
  env.linker.reset();
  env.engine.reset();
}

}  // namespace capsule::bench
