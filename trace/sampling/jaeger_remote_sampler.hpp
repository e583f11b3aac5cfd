// JaegerRemoteSampler: the sampling strategy of a service as Jaeger's agent or collector
// serves it (OTEL_TRACES_SAMPLER=jaeger_remote), polled in the background.
// (Bazel: depend on //trace/sampling:jaeger_remote.)
//
//   auto options = zspan::parse_jaeger_remote_arg(std::getenv("OTEL_TRACES_SAMPLER_ARG"));
//   zspan::Tracer<zspan::ParentBased<zspan::JaegerRemoteSampler>, Exporter> tracer{
//       "frontend", zspan::ParentBased(zspan::JaegerRemoteSampler("frontend", options))};
//
// It GETs `<endpoint>?service=<service>` (default http://localhost:5778/sampling, the
// agent's port) every polling interval (default 60 s) and applies the JSON strategy:
//   {"strategyType": "PROBABILISTIC", "probabilisticSampling": {"samplingRate": 0.1}}
//   {"strategyType": "RATE_LIMITING", "rateLimitingSampling": {"maxTracesPerSecond": 5}}
//   {"operationSampling": {"defaultSamplingProbability": 0.1,
//                          "defaultLowerBoundTracesPerSecond": 0.5,
//                          "perOperationStrategies": [
//                            {"operation": "GET /sync", "probabilisticSampling": {"samplingRate": 1.0}}]}}
// (strategyType also as Jaeger's numbers, 0 and 1). When operationSampling is present it
// wins, as in Jaeger's clients: each operation (the span name) is sampled with its own
// probability, or the default one when it is not listed, and at least
// defaultLowerBoundTracesPerSecond of its traces are kept (a token bucket per operation).
// Probabilities follow OpenTelemetry's TraceIdRatioBased rule (TraceIdRatioSampler).
//
// The rules:
//  - Until the first strategy arrives, traces are sampled with initialSamplingRate
//    (default 0.001). A strategy changed on the server is in effect within one polling
//    interval.
//  - The backend down, an HTTP error, a body that is not a strategy: the strategy in
//    force is kept, one rate-limited line on stderr says why, stats() counts it, and the
//    next interval tries again. Never throws, never blocks a decision.
//  - A decision takes no lock and hashes no string: the operation's strategy is found
//    through a per-thread cache keyed by the span's static callsite (the name is looked
//    up once per callsite and thread), and updated in place by each new strategy. An
//    operation that is not listed gets the default probability, and its own lower-bound
//    bucket, as in Jaeger's clients. At most kMaxOperations operations are tracked;
//    beyond them (and for spans without a callsite) they share one default operation.
//  - One background thread per sampler; its requests time out after the polling
//    interval, within [100 ms, 10 s]. Destroying the sampler stops it, and so does the
//    process's exit (std::exit, or returning from main), each waiting at most that long
//    for a request under way.
//  - Movable, not copyable; a moved-from sampler samples nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "zspan/trace/sampler.hpp"

namespace zspan {

// The OpenTelemetry arguments of jaeger_remote (OTEL_TRACES_SAMPLER_ARG).
struct JaegerRemoteOptions {
  std::string endpoint = "http://localhost:5778/sampling";
  std::chrono::milliseconds polling_interval{60000};
  double initial_sampling_rate = 0.001;
};

// Parses "endpoint=...,pollingIntervalMs=...,initialSamplingRate=..." (any subset, in any
// order). An unknown key or a bad value gets one line on stderr naming it, and the
// default is used for it. Null or empty: the defaults.
JaegerRemoteOptions parse_jaeger_remote_arg(const char* arg) noexcept;
JaegerRemoteOptions parse_jaeger_remote_arg(std::string_view arg) noexcept;

class JaegerRemoteSampler {
 public:
  static constexpr std::size_t kMaxOperations = 2000;  // Jaeger's default per service

  struct Stats {
    std::uint64_t polls = 0;             // requests made
    std::uint64_t failures = 0;          // no strategy from them: down, HTTP error, bad body
    std::uint64_t strategies = 0;        // strategies applied (a changed one each)
  };

  JaegerRemoteSampler(std::string_view service, JaegerRemoteOptions options = {}) noexcept;
  JaegerRemoteSampler(JaegerRemoteSampler&&) noexcept;
  JaegerRemoteSampler& operator=(JaegerRemoteSampler&&) noexcept;
  ~JaegerRemoteSampler();

  bool should_sample(const SamplingInput& in) noexcept;

  Stats stats() const noexcept;
  // The URL polled.
  std::string url() const;

 private:
  struct State;  // shared with the polling thread
  std::unique_ptr<State> state_;
};

}  // namespace zspan
