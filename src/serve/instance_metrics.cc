#include "serve/instance_metrics.h"

namespace capsule::serve {

void InstanceMetrics::Render(std::string& out, std::string_view prefix) const {
  const std::string p(prefix);
  AppendScalar(out, p + "_traps_total", "counter", "Guest calls that trapped.", static_cast<double>(traps_.load()));
  AppendScalar(out, p + "_timeouts_total", "counter", "Guest calls interrupted by --timeout.",
               static_cast<double>(timeouts_.load()));
  AppendScalar(out, p + "_instances", "gauge", "Live module instances.", static_cast<double>(instances_.load()));
  AppendScalar(out, p + "_instances_created_total", "counter", "Module instances created.",
               static_cast<double>(instances_created_.load()));
  AppendScalar(out, p + "_instances_recycled_total", "counter",
               "Used instances restored to their state after start instead of replaced (--fresh-instance).",
               static_cast<double>(recycled_.Total()));
  const std::string reloads = p + "_reloads_total";
  AppendMetricHeader(out, reloads, "counter", "Module reloads, by result.");
  AppendSample(out, reloads, "result=\"ok\"", static_cast<double>(reloads_ok_.load()));
  AppendSample(out, reloads, "result=\"failed\"", static_cast<double>(reloads_failed_.load()));
}

}  // namespace capsule::serve
