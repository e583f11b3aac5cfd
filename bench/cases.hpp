// The spans the overhead suite measures, written once and used by the Google Benchmark
// rows (span_bench.cc), the callgrind instruction counts (callgrind_driver.cc) and the
// assembly listing (asm_probe.cc), so the three always measure the same code.
//
// Each case is what a user writes, a TRACE_SCOPE_WITH in a loop, and is inlined into the
// caller's loop as it would be in user code. Nothing here reaches past the public API.
#pragma once

#include <cstdint>
#include <string_view>

#include "zspan/exporters/discard/discard_exporter.hpp"
#include "zspan/instrument/zspan.hpp"

namespace zspan_bench {

// Sampled rows: every span is kept and goes through the collector to a DiscardExporter,
// so the export pipeline runs in the background as in production, minus the encoding.
using SampledTracer = zspan::Tracer<zspan::AlwaysOnSampler, zspan::DiscardExporter>;
// Sampled-out rows: the sampler says no at the root; its children inherit the decision.
using SilentTracer = zspan::Tracer<zspan::AlwaysOffSampler, zspan::DiscardExporter>;

inline SampledTracer& sampled_tracer() {
  static SampledTracer tracer{"zspan-bench"};
  return tracer;
}
inline SilentTracer& silent_tracer() {
  static SilentTracer tracer{"zspan-bench-off"};
  return tracer;
}
// A sampler that must see the trace id to decide, keeping none (ratio 0).
using RatioTracer = zspan::Tracer<zspan::TraceIdRatioSampler, zspan::DiscardExporter>;
inline RatioTracer& ratio_tracer() {
  static RatioTracer tracer{"zspan-bench-ratio", zspan::TraceIdRatioSampler{0.0}};
  return tracer;
}

namespace tags = zspan::tags;
inline constexpr std::string_view kMethod = "GET";
// The same string known only at run time: the loops re-read it after each span's work.
inline std::string_view g_runtime_method = kMethod;
// A span name known only at run time (a matched route), re-read likewise.
inline std::string_view g_runtime_route = "GET /users/:id";

// The user's work inside a span: here none, but the compiler must assume memory changed
// (it cannot keep the context in registers across it), as after any real work.
#define ZSPAN_BENCH_WORK() asm volatile("" ::: "memory")

// BM_SpanSampled2Tags: a sampled span (a root: no span is active), two tags, ended.
[[gnu::always_inline]] inline void sampled_span(SampledTracer& tracer, std::int64_t i) {
  TRACE_SCOPE_WITH(tracer, "bench.span", tags::http_status_code = i, tags::http_method = kMethod);
  ZSPAN_BENCH_WORK();
}

// BM_SpanSampled2TagsRuntimeString: the same with the string tag's value read at run time.
[[gnu::always_inline]] inline void sampled_span_runtime_string(SampledTracer& tracer, std::int64_t i) {
  TRACE_SCOPE_WITH(tracer, "bench.span", tags::http_status_code = i, tags::http_method = g_runtime_method);
  ZSPAN_BENCH_WORK();
}

// BM_SpanSampledRuntimeName: the first row's span named at run time (a copy of 14 bytes).
[[gnu::always_inline]] inline void sampled_span_runtime_name(SampledTracer& tracer, std::int64_t i) {
  TRACE_SCOPE_NAMED_WITH(tracer, g_runtime_route, tags::http_status_code = i, tags::http_method = kMethod);
  ZSPAN_BENCH_WORK();
}

// BM_SpanNested: the same under an active span (the caller keeps one open): a child
// inherits the trace id and sampling decision instead of asking the sampler.
[[gnu::always_inline]] inline void child_span(std::int64_t i) {
  TRACE_SCOPE("bench.child", tags::http_status_code = i, tags::http_method = kMethod);
  ZSPAN_BENCH_WORK();
}

// BM_SpanSampledOut: a span under a sampled-out span: what instrumentation in a hot loop
// costs for the requests a sampler dropped. Records nothing, still carries the context.
[[gnu::always_inline]] inline void sampled_out_span(std::int64_t i) {
  TRACE_SCOPE("bench.sampled_out", tags::http_status_code = i, tags::http_method = kMethod);
  ZSPAN_BENCH_WORK();
}

// The same spans without tags, to tell the span's own cost from its tags' (report only).
[[gnu::always_inline]] inline void sampled_span_bare(SampledTracer& tracer) {
  TRACE_SCOPE_WITH(tracer, "bench.span");
  ZSPAN_BENCH_WORK();
}
[[gnu::always_inline]] inline void child_span_bare() {
  TRACE_SCOPE("bench.child");
  ZSPAN_BENCH_WORK();
}

// BM_SpanSampledOutRoot: a root the sampler drops; AlwaysOffSampler is known at compile
// time not to sample (no ids are drawn), TraceIdRatioSampler must see the trace id.
template <class Tracer>
[[gnu::always_inline]] inline void sampled_out_root(Tracer& tracer, std::int64_t i) {
  TRACE_SCOPE_WITH(tracer, "bench.sampled_out_root", tags::http_status_code = i, tags::http_method = kMethod);
  ZSPAN_BENCH_WORK();
}

}  // namespace zspan_bench
