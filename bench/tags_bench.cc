// Tags, logs and baggage on the hot path (issue 3), against a DiscardExporter tracer.
//
//   BM_Span2Tags             a sampled span with an int and a short string tag
//   BM_Span2Tags1Log         the same plus a formatted log
//   BM_BaggageReadDeepChild  baggage_get from a span 8 levels under the one that set it
//   BM_BaggageReadDeepChildTyped  the same through a BaggageKey<"retries", std::int64_t>
#include <benchmark/benchmark.h>

#include <cstdint>

#include "zspan/exporters/discard/discard_exporter.hpp"
#include "zspan/instrument/zspan.hpp"

namespace {

namespace tags = zspan::tags;
zspan::Tracer<zspan::AlwaysOnSampler, zspan::DiscardExporter> tracer{"bench"};
constexpr std::string_view kMethod = "GET";

void BM_Span2Tags(benchmark::State& state) {
  std::int64_t status = 200;
  for (auto _ : state) {
    TRACE_SCOPE_WITH(tracer, "bench.tags", tags::http_status_code = status, tags::http_method = kMethod);
    benchmark::DoNotOptimize(status);
  }
  zspan::flush();
}
BENCHMARK(BM_Span2Tags);

void BM_Span2Tags1Log(benchmark::State& state) {
  std::int64_t status = 200;
  for (auto _ : state) {
    TRACE_SCOPE_WITH(tracer, "bench.tags_log", tags::http_status_code = status, tags::http_method = kMethod);
    TRACE_LOG("retry {} of {}", status, 3);
    benchmark::DoNotOptimize(status);
  }
  zspan::flush();
}
BENCHMARK(BM_Span2Tags1Log);

constexpr zspan::BaggageKey<"retries", std::int64_t> retries;

template <int Depth, class Key>
void read_at_depth(benchmark::State& state, const Key& key) {
  if constexpr (Depth == 0) {
    for (auto _ : state) benchmark::DoNotOptimize(zspan::baggage_get(key));
  } else {
    TRACE_SCOPE("bench.level");
    read_at_depth<Depth - 1>(state, key);
  }
}

template <class Key>
void read_deep_child(benchmark::State& state, const Key& key) {
  {
    TRACE_SCOPE_WITH(tracer, "bench.baggage_root");
    TRACE_BAGGAGE_SET("request.id", "r-123456");
    TRACE_BAGGAGE_SET("tenant", "acme");
    TRACE_BAGGAGE_SET(retries, 3);
    read_at_depth<8>(state, key);
  }
  zspan::flush();
}

void BM_BaggageReadDeepChild(benchmark::State& state) { read_deep_child(state, std::string_view("tenant")); }
BENCHMARK(BM_BaggageReadDeepChild);

void BM_BaggageReadDeepChildTyped(benchmark::State& state) { read_deep_child(state, retries); }
BENCHMARK(BM_BaggageReadDeepChildTyped);

}  // namespace
