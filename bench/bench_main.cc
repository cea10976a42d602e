// Runs every benchmark, then prints a summary: each figure against its reference from the same run, and the
// project's targets.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

#include "bench_env.h"

namespace capsule::bench {
namespace {

// A console reporter that also keeps each benchmark's real time (the median when repeated) and counters.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  SummaryReporter() : ConsoleReporter(OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !median) continue;
      Figure& f = figures_[run.run_name.str()];
      if (f.from_median && !median) continue;
      f.from_median = median;
      double to_ns = 1e9 / benchmark::GetTimeUnitMultiplier(run.time_unit);
      f.real_ns = run.GetAdjustedRealTime() * to_ns;
      f.cpu_ns = run.GetAdjustedCPUTime() * to_ns;
      for (const auto& [name, counter] : run.counters) f.counters[name] = counter.value;
    }
  }

  // Prints the summary table for whatever ran.
  void PrintSummary() const {
    if (figures_.empty()) return;
    std::printf("\n== Summary (median of repetitions; each figure next to its reference from this run) ==\n");
    std::printf("-- wall clock (V8 compiles on background threads too)\n");
    Real("compile/sha256_uncached", "compile sha256 guest, new bytes");
    Real("compile/sha256", "compile sha256 guest, same bytes again");
    Real("compile/libc_uncached", "compile libc guest (28 KB), new bytes");
    Real("instantiate/calls", "instantiate calls guest + destroy");
    Real("instantiate/sha256", "instantiate sha256 guest + destroy");
    Real("recycle/restore_2MiB_dirty/16/manual_time", "restore state, 2 MiB guest, 16 pages dirty");
    std::printf("-- CPU time of the calling thread\n");
    Call("call/wasm_noop", "call/native_noop", "C++ -> wasm call, Func handle", 200);
    Call("call/wasm_noop_by_name", "call/native_noop", "C++ -> wasm call, by name", 0);
    Call("call/wasm_f64", "call/wasm_noop", "C++ -> wasm call of (f64) -> f64, vs (i32) -> i32", 0);
    HostCall("hostcall/wasm_to_host", "hostcall/native_to_host", "wasm -> host call", 100);
    Compute("compute/fib30", "fib(30) wasm vs native");
    Compute("compute/sha256_4MiB", "sha256 4 MiB wasm vs native");
  }

 private:
  struct Figure {
    double real_ns = 0;
    double cpu_ns = 0;
    std::map<std::string, double> counters;
    bool from_median = false;
    double counter(const std::string& name) const {
      auto it = counters.find(name);
      return it == counters.end() ? 0 : it->second;
    }
  };

  const Figure* Find(const std::string& name) const {
    auto it = figures_.find(name);
    return it == figures_.end() ? nullptr : &it->second;
  }

  static std::string Format(double ns) {
    char buf[32];
    if (ns >= 1e6)
      std::snprintf(buf, sizeof buf, "%.2f ms", ns / 1e6);
    else if (ns >= 1e3)
      std::snprintf(buf, sizeof buf, "%.1f us", ns / 1e3);
    else
      std::snprintf(buf, sizeof buf, "%.1f ns", ns);
    return buf;
  }

  static void Line(const char* label, double value_ns, double ref_ns, double target_ns, double target_ratio) {
    std::printf("%-40s %11s", label, Format(value_ns).c_str());
    double ratio = ref_ns > 0 ? value_ns / ref_ns : 0;
    if (ref_ns > 0) std::printf("   native %10s   ratio %7.2fx", Format(ref_ns).c_str(), ratio);
    if (target_ns > 0) std::printf("   target < %.0f ns: %s", target_ns, value_ns < target_ns ? "met" : "MISSED");
    if (target_ratio > 0 && ref_ns > 0)
      std::printf("   target <= %.1fx: %s", target_ratio, ratio <= target_ratio ? "met" : "MISSED");
    std::printf("\n");
  }

  void Real(const std::string& name, const char* label) const {
    if (const Figure* f = Find(name)) Line(label, f->real_ns, 0, 0, 0);
  }
  void Call(const std::string& name, const std::string& ref, const char* label, double target_ns) const {
    const Figure* f = Find(name);
    const Figure* r = Find(ref);
    if (f) Line(label, f->cpu_ns, r ? r->cpu_ns : 0, target_ns, 0);
  }
  void HostCall(const std::string& name, const std::string& ref, const char* label, double target_ns) const {
    const Figure* f = Find(name);
    const Figure* r = Find(ref);
    if (f) Line(label, f->counter("per_call") * 1e9, r ? r->counter("per_call") * 1e9 : 0, target_ns, 0);
  }
  // Paired compute benchmark: real time is the wasm CPU time; counters hold the native time and the ratio.
  void Compute(const std::string& name, const char* label) const {
    if (const Figure* f = Find(name + "/manual_time")) Line(label, f->real_ns, f->counter("native") * 1e9, 0, 1.5);
  }

  std::map<std::string, Figure> figures_;
};

}  // namespace
}  // namespace capsule::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  capsule::bench::SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintSummary();
  benchmark::Shutdown();
  capsule::bench::ShutdownEnv();
  return 0;
}
