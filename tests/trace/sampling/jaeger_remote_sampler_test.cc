// The jaeger_remote sampler: OTEL_TRACES_SAMPLER_ARG, Jaeger's strategy JSON (probabilistic,
// rate limiting, per operation), strategies changed on the server, and a backend that is
// down, answers 500 or sends what is not a strategy.
#include "zspan/trace/sampling/jaeger_remote_sampler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include "zspan/exporters/memory/memory_exporter.hpp"
#include "zspan/instrument/zspan.hpp"
#include "tests/trace/sampling/strategy_server.hpp"

namespace zspan {
namespace {

using namespace std::chrono_literals;
using testing::StrategyServer;

constexpr Callsite kSync{"GET /sync", "f", __FILE__, __LINE__, Level::kInfo};
constexpr Callsite kOther{"other", "f", __FILE__, __LINE__, Level::kInfo};

constexpr const char* kAll = R"({"strategyType": "PROBABILISTIC", "probabilisticSampling": {"samplingRate": 1.0}})";
constexpr const char* kNone = R"({"strategyType": "PROBABILISTIC", "probabilisticSampling": {"samplingRate": 0}})";

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// How many of `n` new traces (random ids) the sampler keeps at `callsite`.
int kept(JaegerRemoteSampler& sampler, const Callsite* callsite, int n = 1000) {
  int count = 0;
  for (int i = 0; i < n; ++i) count += sampler.should_sample({TraceId::generate(), callsite, false, {}});
  return count;
}

JaegerRemoteOptions polling(const StrategyServer& server, double initial_rate = 0.0) {
  return {.endpoint = server.url(), .polling_interval = 20ms, .initial_sampling_rate = initial_rate};
}

TEST(JaegerRemoteArg, DefaultsAreTheSpecs) {
  const JaegerRemoteOptions o = parse_jaeger_remote_arg(static_cast<const char*>(nullptr));
  EXPECT_EQ(o.endpoint, "http://localhost:5778/sampling");
  EXPECT_EQ(o.polling_interval, 60000ms);
  EXPECT_EQ(o.initial_sampling_rate, 0.001);
}

TEST(JaegerRemoteArg, ParsesTheOpenTelemetryArguments) {
  const JaegerRemoteOptions o =
      parse_jaeger_remote_arg(" endpoint=http://agent:5778/sampling , pollingIntervalMs=5000,initialSamplingRate=0.25");
  EXPECT_EQ(o.endpoint, "http://agent:5778/sampling");
  EXPECT_EQ(o.polling_interval, 5000ms);
  EXPECT_EQ(o.initial_sampling_rate, 0.25);
}

TEST(JaegerRemoteArg, BadEntriesKeepTheirDefaults) {
  const JaegerRemoteOptions o = parse_jaeger_remote_arg(
      "endpoint=localhost:5778,pollingIntervalMs=-1,initialSamplingRate=2,colour=blue,pollingIntervalMs=1e3");
  const JaegerRemoteOptions defaults;
  EXPECT_EQ(o.endpoint, defaults.endpoint);
  EXPECT_EQ(o.polling_interval, defaults.polling_interval);
  EXPECT_EQ(o.initial_sampling_rate, defaults.initial_sampling_rate);
}

TEST(JaegerRemoteSampler, AsksForItsServiceByName) {
  StrategyServer server;
  server.answer(200, kAll);
  JaegerRemoteSampler sampler("my service/1", polling(server));
  EXPECT_EQ(sampler.url(), server.url() + "?service=my%20service%2F1");
  ASSERT_TRUE(eventually([&] { return server.requests() > 0; }));
  EXPECT_EQ(server.last_target(), "/sampling?service=my%20service%2F1");
}

TEST(JaegerRemoteSampler, TheInitialRateHoldsUntilAStrategyArrives) {
  StrategyServer down;
  down.stop();  // nothing listens on its port any more
  JaegerRemoteSampler all("svc", polling(down, 1.0));
  JaegerRemoteSampler none("svc", polling(down, 0.0));
  ASSERT_TRUE(eventually([&] { return all.stats().failures >= 2 && none.stats().failures >= 2; }));
  EXPECT_EQ(all.stats().strategies, 0u);
  EXPECT_EQ(kept(all, &kSync), 1000);
  EXPECT_EQ(kept(none, &kSync), 0);
}

TEST(JaegerRemoteSampler, AChangedStrategyIsInEffectWithinAPollingInterval) {
  StrategyServer server;
  server.answer(200, kNone);
  JaegerRemoteSampler sampler("svc", polling(server, 1.0));
  ASSERT_TRUE(eventually([&] { return sampler.stats().strategies == 1; }));
  EXPECT_EQ(kept(sampler, &kSync), 0);
  server.answer(200, kAll);
  ASSERT_TRUE(eventually([&] { return sampler.stats().strategies == 2; }));
  EXPECT_EQ(kept(sampler, &kSync), 1000);
  // The same answer again is not a new strategy.
  const int requests = server.requests();
  ASSERT_TRUE(eventually([&] { return server.requests() >= requests + 3; }));
  EXPECT_EQ(sampler.stats().strategies, 2u);
  EXPECT_EQ(sampler.stats().failures, 0u);
}

TEST(JaegerRemoteSampler, RateLimiting) {
  StrategyServer server;
  server.answer(200, R"({"strategyType": "RATE_LIMITING", "rateLimitingSampling": {"maxTracesPerSecond": 2}})");
  JaegerRemoteSampler sampler("svc", polling(server, 1.0));
  ASSERT_TRUE(eventually([&] { return sampler.stats().strategies == 1; }));
  const int count = kept(sampler, &kSync);
  EXPECT_GE(count, 1);
  EXPECT_LE(count, 3);  // a second's worth of burst, and maybe one more token meanwhile
  // Jaeger's numeric strategyType: 0 is probabilistic.
  server.answer(200, R"({"strategyType": 0, "probabilisticSampling": {"samplingRate": 1}})");
  ASSERT_TRUE(eventually([&] { return sampler.stats().strategies == 2; }));
  EXPECT_EQ(kept(sampler, &kSync), 1000);
}

constexpr const char* kSyncOnly = R"({
  "strategyType": "PROBABILISTIC",
  "probabilisticSampling": {"samplingRate": 0.5},
  "operationSampling": {
    "defaultSamplingProbability": 0,
    "defaultLowerBoundTracesPerSecond": 0,
    "perOperationStrategies": [
      {"operation": "GET /sync", "probabilisticSampling": {"samplingRate": 1.0}}
    ]
  }
})";
constexpr const char* kOtherOnly = R"({
  "operationSampling": {
    "defaultSamplingProbability": 0,
    "perOperationStrategies": [
      {"operation": "other", "probabilisticSampling": {"samplingRate": 1.0}},
      {"operation": "GET /sync", "probabilisticSampling": {"samplingRate": 0.0}}
    ]
  }
})";

TEST(JaegerRemoteSampler, PerOperationStrategiesFollowTheCallsiteName) {
  StrategyServer server;
  server.answer(200, kSyncOnly);
  JaegerRemoteSampler sampler("svc", polling(server, 1.0));
  ASSERT_TRUE(eventually([&] { return sampler.stats().strategies == 1; }));
  EXPECT_EQ(kept(sampler, &kSync), 1000);
  EXPECT_EQ(kept(sampler, &kOther), 0);   // the default
  EXPECT_EQ(kept(sampler, nullptr), 0);   // no callsite: the default
  server.answer(200, kOtherOnly);
  ASSERT_TRUE(eventually([&] { return sampler.stats().strategies == 2; }));
  EXPECT_EQ(kept(sampler, &kSync), 0);
  EXPECT_EQ(kept(sampler, &kOther), 1000);
  // Unlisted again: back to the default.
  server.answer(200, R"({"operationSampling": {"defaultSamplingProbability": 1}})");
  ASSERT_TRUE(eventually([&] { return sampler.stats().strategies == 3; }));
  EXPECT_EQ(kept(sampler, &kSync), 1000);
  EXPECT_EQ(kept(sampler, &kOther), 1000);
}

TEST(JaegerRemoteSampler, TheLowerBoundKeepsSomeTracesOfEveryOperation) {
  StrategyServer server;
  server.answer(200, R"({"operationSampling": {"defaultSamplingProbability": 0,
                                              "defaultLowerBoundTracesPerSecond": 1}})");
  JaegerRemoteSampler sampler("svc", polling(server, 0.0));
  ASSERT_TRUE(eventually([&] { return sampler.stats().strategies == 1; }));
  for (const Callsite* callsite : {&kSync, &kOther}) {  // a bucket each
    const int count = kept(sampler, callsite, 100);
    EXPECT_GE(count, 1);
    EXPECT_LE(count, 2);
  }
}

TEST(JaegerRemoteSampler, BadAnswersAndADownBackendKeepTheStrategyInForce) {
  StrategyServer server;
  server.answer(200, kAll);
  JaegerRemoteSampler sampler("svc", polling(server, 0.0));
  ASSERT_TRUE(eventually([&] { return sampler.stats().strategies == 1; }));
  const auto failures_grow = [&] {
    const std::uint64_t before = sampler.stats().failures;
    return eventually([&] { return sampler.stats().failures >= before + 2; });
  };
  for (const char* bad : {"{not json", "[1, 2]", R"({"strategyType": "PROBABILISTIC"})",
                          R"({"probabilisticSampling": {"samplingRate": 2}})", R"({"strategyType": "LOTTERY"})",
                          R"({"operationSampling": {"perOperationStrategies": []}})",
                          R"({"operationSampling": {"defaultSamplingProbability": 0,
                              "perOperationStrategies": [{"operation": 7}]}})"}) {
    server.answer(200, bad);
    ASSERT_TRUE(failures_grow()) << bad;
    EXPECT_EQ(kept(sampler, &kSync), 1000) << bad;
  }
  server.answer(500, "oops");
  ASSERT_TRUE(failures_grow());
  EXPECT_EQ(kept(sampler, &kSync), 1000);
  server.stop();
  ASSERT_TRUE(failures_grow());
  EXPECT_EQ(kept(sampler, &kSync), 1000);
  EXPECT_EQ(sampler.stats().strategies, 1u);
}

// Threads decide while the strategy flips between operations: no lock, no torn state
// (run under --config=tsan), and every decision is one of the two strategies'.
TEST(JaegerRemoteSampler, ThreadsDecideWhileTheStrategyChanges) {
  StrategyServer server;
  server.answer(200, kSyncOnly);
  JaegerRemoteSampler sampler("svc", polling(server, 0.0));
  ASSERT_TRUE(eventually([&] { return sampler.stats().strategies == 1; }));
  std::atomic<bool> done{false};
  std::atomic<int> both{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (!done.load()) {
        const bool sync = sampler.should_sample({TraceId::generate(), &kSync, false, {}});
        const bool other = sampler.should_sample({TraceId::generate(), &kOther, false, {}});
        both += sync && other;  // never so within one strategy; rare across a change
      }
    });
  }
  for (int flip = 0; flip < 6; ++flip) {
    server.answer(200, flip % 2 ? kSyncOnly : kOtherOnly);
    const std::uint64_t strategies = sampler.stats().strategies;
    ASSERT_TRUE(eventually([&] { return sampler.stats().strategies > strategies; }));
  }
  done = true;
  for (std::thread& thread : threads) thread.join();
  EXPECT_LT(both.load(), 100);
}

TEST(JaegerRemoteSampler, DecidesForATracersRootsAndMoves) {
  StrategyServer server;
  server.answer(200, kSyncOnly);
  JaegerRemoteSampler first("svc", polling(server, 0.0));
  Tracer<ParentBased<JaegerRemoteSampler>, MemoryExporter> tracer{"svc",
                                                                  ParentBased<JaegerRemoteSampler>(std::move(first))};
  ASSERT_TRUE(eventually([&] { return tracer.sampler().root().stats().strategies == 1; }));
  {
    TRACE_SCOPE_WITH(tracer, "GET /sync");
  }
  {
    TRACE_SCOPE_WITH(tracer, "other");
  }
  ASSERT_TRUE(tracer.flush());
  ASSERT_EQ(tracer.exporter().size(), 1u);
  EXPECT_EQ(tracer.exporter().spans()[0].name, "GET /sync");
  EXPECT_FALSE(first.should_sample({TraceId::generate(), &kSync, false, {}}));  // moved from
}

}  // namespace
}  // namespace zspan
