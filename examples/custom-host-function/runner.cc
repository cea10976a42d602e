// capsule-greet: a runner built on the HDK that adds its own host function (hostGreet) to Capsule's. Usage:
//   capsule-greet MODULE.wasm [INPUT]   calls the module's callHandle with INPUT and prints the answer.
#include <cstdio>
#include <string>

#include "capsule/abi.h"
#include "capsule/engine.h"
#include "capsule/host.h"
#include "capsule/loader.h"
#include "capsule/wasi.h"
#include "greet_host.h"

namespace {

int Fail(const capsule::Error& error) {
  std::fprintf(stderr, "capsule-greet: %s\n", error.message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: capsule-greet MODULE.wasm [INPUT]\n");
    return 2;
  }
  capsule::ModuleSource source;
  source.path = argv[1];
  auto bytes = capsule::LoadModule(source);
  if (!bytes) return Fail(bytes.error());
  auto engine = capsule::Engine::Create();
  if (!engine) return Fail(engine.error());
  auto context = (*engine)->NewContext();
  if (!context) return Fail(context.error());
  auto module = (*context)->Compile(*bytes);
  if (!module) return Fail(module.error());

  auto linker = std::make_shared<capsule::Linker>();
  capsule::AddWasiToLinker(*linker);
  capsule::AddCapsuleHostFunctions(*linker);             // Capsule's host functions, default policy
  greet::AddGreetHostFunction(*linker, "Good morning");  // and ours

  auto wasi = capsule::WasiContext::Create({});
  if (!wasi) return Fail(wasi.error());
  capsule::InstanceData data;
  data.set<capsule::WasiContext>(wasi->get());
  auto instance = capsule::InstantiateCapsuleModule(**context, *module, linker, std::move(data));
  if (!instance) return Fail(instance.error());
  auto started = capsule::RunWasiStart(**instance);
  if (!started) return Fail(started.error());

  auto reply = capsule::CallHandle(**instance, argc > 2 ? argv[2] : "");
  if (!reply) return Fail(reply.error());
  std::printf("%s\n", reply->data.c_str());
  return reply->ok ? 0 : 1;
}
