#include "serve/prometheus.h"

#include <cmath>
#include <cstdio>

namespace capsule::serve {

size_t ThreadShard() {
  static std::atomic<size_t> threads{0};
  thread_local const size_t index = threads.fetch_add(1, std::memory_order_relaxed) % kMetricShards;
  return index;
}

void AppendMetricHeader(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void AppendSample(std::string& out, std::string_view name, std::string_view labels, double value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  char number[64];
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    std::snprintf(number, sizeof number, " %lld\n", static_cast<long long>(value));
  else
    std::snprintf(number, sizeof number, " %.6f\n", value);
  out.append(number);
}

void AppendScalar(std::string& out, std::string_view name, std::string_view type, std::string_view help, double value) {
  AppendMetricHeader(out, name, type, help);
  AppendSample(out, name, {}, value);
}

void LatencyHistogram::Record(double seconds) {
  Shard& shard = shards_[ThreadShard()];
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  shard.counts[i].fetch_add(1, std::memory_order_relaxed);
  shard.sum_us.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void LatencyHistogram::Render(std::string& out, std::string_view name, std::string_view help,
                              std::string_view labels) const {
  AppendMetricHeader(out, name, "histogram", help);
  RenderSamples(out, name, labels);
}

void LatencyHistogram::RenderSamples(std::string& out, std::string_view name, std::string_view labels) const {
  const std::string prefix = labels.empty() ? std::string() : std::string(labels) + ",";
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0, sum_us = 0;
  for (const auto& s : shards_) sum_us += s.sum_us.load(std::memory_order_relaxed);
  for (size_t i = 0; i <= kBuckets.size(); ++i) {
    for (const auto& s : shards_) cumulative += s.counts[i].load(std::memory_order_relaxed);
    char le[32];
    if (i < kBuckets.size())
      std::snprintf(le, sizeof le, "le=\"%g\"", kBuckets[i]);
    else
      std::snprintf(le, sizeof le, "le=\"+Inf\"");
    AppendSample(out, bucket, prefix + le, static_cast<double>(cumulative));
  }
  AppendSample(out, std::string(name) + "_sum", labels, static_cast<double>(sum_us) / 1e6);
  AppendSample(out, std::string(name) + "_count", labels, static_cast<double>(cumulative));
}

}  // namespace capsule::serve
