// Crossing processes: header inject/extract per format, sampler decisions, and the
// trusted-peer check. Targets: BM_InjectW3C and BM_ExtractW3C (traceparent and
// tracestate) at most 50 ns each.
#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

#include "zspan/trace/propagation/b3.hpp"
#include "zspan/trace/propagation/jaeger.hpp"
#include "zspan/trace/propagation/peer_whitelist.hpp"
#include "zspan/trace/propagation/propagator.hpp"
#include "zspan/trace/sampler.hpp"

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

zspan::SpanContext sample_context() {
  zspan::SpanContext ctx;
  ctx.trace_id = {0x4bf92f3577b34da6, 0xa3ce929d0e0e4736};
  ctx.span_id = {0x00f067aa0ba902b7};
  ctx.flags = zspan::TraceFlags{}.with_sampled(true);
  const zspan::TraceState::Member congo[] = {{"congo", "t61rcWkgMzE"}};
  ctx.trace_state = zspan::TraceState::make(congo);
  return ctx;
}

// The carrier is reused, as a client reuses its request's header block: the rows
// measure formatting and setting, not the first allocation of each header.
template <class Propagator>
void inject_bench(benchmark::State& state) {
  const zspan::SpanContext ctx = sample_context();
  const Propagator propagator;
  Headers headers;
  for (auto _ : state) {
    propagator.inject(ctx, headers);
    benchmark::DoNotOptimize(headers.data());
  }
}

template <class Propagator>
void extract_bench(benchmark::State& state, Headers headers) {
  const Propagator propagator;
  for (auto _ : state) {
    zspan::SpanContext ctx;
    propagator.extract(headers, ctx);
    benchmark::DoNotOptimize(ctx);
  }
}

using B3Single = zspan::B3Propagator<zspan::B3Encoding::kSingle>;
using B3Multi = zspan::B3Propagator<zspan::B3Encoding::kMulti>;

void BM_InjectW3C(benchmark::State& state) { inject_bench<zspan::TraceContextPropagator>(state); }
void BM_ExtractW3C(benchmark::State& state) {
  extract_bench<zspan::TraceContextPropagator>(
      state, {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}, {"tracestate", "congo=t61rcWkgMzE"}});
}
void BM_ExtractW3CTraceparentOnly(benchmark::State& state) {
  extract_bench<zspan::TraceContextPropagator>(state, {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}});
}
void BM_InjectB3(benchmark::State& state) { inject_bench<B3Single>(state); }
void BM_ExtractB3(benchmark::State& state) {
  extract_bench<B3Single>(state, {{"b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"}});
}
void BM_InjectB3Multi(benchmark::State& state) { inject_bench<B3Multi>(state); }
void BM_ExtractB3Multi(benchmark::State& state) {
  extract_bench<B3Multi>(state, {{"X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7"},
                                 {"X-B3-SpanId", "e457b5a2e4d86bd1"},
                                 {"X-B3-Sampled", "1"}});
}
void BM_InjectJaeger(benchmark::State& state) { inject_bench<zspan::JaegerPropagator>(state); }
void BM_ExtractJaeger(benchmark::State& state) {
  extract_bench<zspan::JaegerPropagator>(state, {{"uber-trace-id", "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1"}});
}

template <class Sampler>
void sampler_bench(benchmark::State& state, Sampler sampler) {
  zspan::SamplingInput in{zspan::TraceId::generate(), nullptr, false, {}};
  for (auto _ : state) {
    in.trace_id.low += 0x9e3779b97f4a7c15ULL;
    benchmark::DoNotOptimize(sampler.should_sample(in));
  }
}

void BM_SamplerDecision_AlwaysOn(benchmark::State& state) { sampler_bench(state, zspan::AlwaysOnSampler{}); }
void BM_SamplerDecision_TraceIdRatio(benchmark::State& state) { sampler_bench(state, zspan::TraceIdRatioSampler{0.1}); }
void BM_SamplerDecision_RateLimited(benchmark::State& state) {
  static zspan::RateLimitingSampler shared{1000};  // one bucket for all threads
  zspan::SamplingInput in{zspan::TraceId::generate(), nullptr, false, {}};
  for (auto _ : state) benchmark::DoNotOptimize(shared.should_sample(in));
}
void BM_SamplerDecision_ParentBasedRatio(benchmark::State& state) {
  sampler_bench(state, zspan::ParentBased<zspan::TraceIdRatioSampler>{zspan::TraceIdRatioSampler{0.1}});
}
void BM_SamplerDecision_Configured(benchmark::State& state) {
  sampler_bench(state, zspan::ConfiguredSampler::parse("parentbased_traceidratio", "0.1"));
}

void BM_WhitelistCheck(benchmark::State& state, const char* host) {
  static const zspan::PeerWhitelist peers =
      zspan::PeerWhitelist::compile({R"(matrix\.org)", R"(.*\.example\.com)", R"(synapse-\d+\.internal)"}).peers;
  const std::string_view name = host;
  for (auto _ : state) benchmark::DoNotOptimize(peers.trust(name));
}

BENCHMARK(BM_InjectW3C);
BENCHMARK(BM_ExtractW3C);
BENCHMARK(BM_ExtractW3CTraceparentOnly);
BENCHMARK(BM_InjectB3);
BENCHMARK(BM_ExtractB3);
BENCHMARK(BM_InjectB3Multi);
BENCHMARK(BM_ExtractB3Multi);
BENCHMARK(BM_InjectJaeger);
BENCHMARK(BM_ExtractJaeger);
BENCHMARK(BM_SamplerDecision_AlwaysOn);
BENCHMARK(BM_SamplerDecision_TraceIdRatio);
BENCHMARK(BM_SamplerDecision_RateLimited)->Threads(1)->Threads(4);
BENCHMARK(BM_SamplerDecision_ParentBasedRatio);
BENCHMARK(BM_SamplerDecision_Configured);
BENCHMARK_CAPTURE(BM_WhitelistCheck, trusted, "synapse-12.internal");
BENCHMARK_CAPTURE(BM_WhitelistCheck, untrusted, "evilmatrix.org");

}  // namespace

BENCHMARK_MAIN();
