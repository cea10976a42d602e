// Instruction-count probe, run under callgrind by bench/ir_counts.sh: the same work as the timed benchmarks, done
// once in a wasm and once in a native function (MeasuredWasm / MeasuredNative) after a warm-up. Instruction
// counts do not depend on the machine's load, which makes them the stable figure on a shared machine.
#include <cstdio>
#include <string>
#include <thread>

#include "bench_env.h"

namespace capsule::bench {
namespace {

// Calls per probe for the call-overhead probes; sizes of the compute probes.
constexpr int32_t kCalls = 10000;
constexpr int32_t kFibN = 25;
constexpr uint32_t kShaLen = 1 << 20;

int32_t NativeNoop(int32_t x) {
  return x + 1;
}

// Runs the wasm side of probe `what`.
[[gnu::noinline]] void RunWasm(const std::string& what, Instance& instance, const Func& f) {
  Value args[1];
  Value results[1];
  if (what == "noop") {
    args[0] = Value::I32(0);
    for (int32_t i = 0; i < kCalls; ++i) {
      Must(instance.Call(f, args, results), "call");
      args[0] = results[0];
    }
    return;
  }
  args[0] = Value::I32(what == "hostcall" ? kCalls : what == "fib" ? kFibN : static_cast<int32_t>(kShaLen));
  Must(instance.Call(f, args, results), "call");
}

// Runs the native side of probe `what`.
[[gnu::noinline]] void RunNative(const std::string& what, Instance& instance) {
  if (what == "noop") {
    int32_t (*volatile fn)(int32_t) = NativeNoop;
    int32_t x = 0;
    for (int32_t i = 0; i < kCalls; ++i) x = fn(x);
    if (x != kCalls) std::abort();
  } else if (what == "hostcall") {
    Caller caller(instance, instance.memory(), instance.data());
    Value args[1] = {Value::I32(0)};
    Value results[1];
    for (int32_t i = 0; i < kCalls; ++i) {
      Must(IncHostFunc()(caller, args, results), "host function");
      args[0] = results[0];
    }
  } else if (what == "fib") {
    volatile int32_t n = kFibN;
    if (bench_fib(n) != 75025) std::abort();
  } else {
    bench_sha256(kShaLen);
  }
}

// The functions whose inclusive instruction counts ir_counts.sh reads; each runs exactly once.
[[gnu::noinline]] void MeasuredWasm(const std::string& what, Instance& instance, const Func& f) {
  RunWasm(what, instance, f);
}
[[gnu::noinline]] void MeasuredNative(const std::string& what, Instance& instance) {
  RunNative(what, instance);
}

int Main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "";
  const char* guest = what == "noop" || what == "hostcall" ? "bench_calls"
                      : what == "fib"                      ? "bench_fib"
                                                           : "bench_sha256";
  const char* export_name = what == "noop" ? "noop" : what == "hostcall" ? "call_host" : what.c_str();
  if (what != "noop" && what != "hostcall" && what != "fib" && what != "sha256") {
    std::fprintf(stderr, "usage: ir_probe noop|hostcall|fib|sha256\n");
    return 2;
  }
  {
    auto instance = Must(TheContext().Instantiate(GuestModule(guest), BenchLinker()), "instantiate");
    Func f = Must(instance->GetFunc(export_name), "GetFunc");
    // Warm-up: the export's wrapper, V8's background TurboFan tier-up (slow under valgrind), the native caches.
    for (int i = 0; i < 3; ++i) {
      RunWasm(what, *instance, f);
      RunNative(what, *instance);
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
    }
    MeasuredWasm(what, *instance, f);
    MeasuredNative(what, *instance);
  }
  ShutdownEnv();
  return 0;
}

}  // namespace
}  // namespace capsule::bench

int main(int argc, char** argv) {
  return capsule::bench::Main(argc, argv);
}
