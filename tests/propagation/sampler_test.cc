#include "zspan/trace/sampler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace zspan {
namespace {

SamplingInput root(TraceId id) { return {id, nullptr, false, {}}; }
SamplingInput remote(bool sampled) { return {TraceId{1, 1}, nullptr, true, TraceFlags{}.with_sampled(sampled)}; }

TEST(TraceIdRatioSampler, UsesTheLowerEightBytesLikeOpenTelemetry) {
  TraceIdRatioSampler half{0.5};
  // (low >> 1) < 0.5 * 2^63  <=>  low < 2^63
  EXPECT_TRUE(half.should_sample(root({~0ULL, 0x7fffffffffffffff})));
  EXPECT_FALSE(half.should_sample(root({0, 0x8000000000000000})));
  EXPECT_TRUE(TraceIdRatioSampler{1.0}.should_sample(root({0, ~0ULL})));
  EXPECT_FALSE(TraceIdRatioSampler{0.0}.should_sample(root({0, 0})));
  EXPECT_FALSE(TraceIdRatioSampler{-3}.should_sample(root({0, 0})));
}

TEST(TraceIdRatioSampler, KeepsAboutTheRatio) {
  TraceIdRatioSampler tenth{0.1};
  int kept = 0;
  for (int i = 0; i < 100000; ++i) kept += tenth.should_sample(root(TraceId::generate()));
  EXPECT_NEAR(kept, 10000, 600);
}

TEST(RateLimitingSampler, AllowsABurstThenTheRate) {
  RateLimitingSampler limiter{50};
  int kept = 0;
  for (int i = 0; i < 1000; ++i) kept += limiter.should_sample(root({}));
  EXPECT_EQ(kept, 50);
  EXPECT_FALSE(RateLimitingSampler{0}.should_sample(root({})));
}

TEST(RateLimitingSampler, IsExactUnderContention) {
  RateLimitingSampler limiter{1000};
  std::atomic<int> kept{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) kept += limiter.should_sample(root({}));
    });
  for (auto& t : threads) t.join();
  EXPECT_GE(kept.load(), 1000);
  EXPECT_LE(kept.load(), 1100);  // the burst, plus what refilled while the threads ran
}

TEST(ParentBased, FollowsTheRemoteParent) {
  ParentBased<AlwaysOffSampler> sampler;
  EXPECT_TRUE(sampler.should_sample(remote(true)));
  EXPECT_FALSE(sampler.should_sample(remote(false)));
  EXPECT_FALSE(sampler.should_sample(root({1, 1})));
  EXPECT_TRUE(ParentBased<AlwaysOnSampler>{}.should_sample(root({1, 1})));
  EXPECT_TRUE(AlwaysOnSampler{}.should_sample(remote(false)));  // not parent-based: ignores it
}

TEST(ConfiguredSampler, OpenTelemetryNames) {
  auto s = ConfiguredSampler::parse("parentbased_traceidratio", "0.25");
  EXPECT_EQ(s.kind(), ConfiguredSampler::Kind::kTraceIdRatio);
  EXPECT_TRUE(s.parent_based());
  EXPECT_DOUBLE_EQ(s.argument(), 0.25);
  EXPECT_TRUE(s.should_sample(remote(true)));
  EXPECT_FALSE(ConfiguredSampler::parse("ALWAYS_OFF", "").should_sample(remote(true)));
  EXPECT_TRUE(ConfiguredSampler::parse("parentbased_always_off", "").should_sample(remote(true)));
  auto limited = ConfiguredSampler::parse("ratelimited", "7");
  EXPECT_EQ(limited.kind(), ConfiguredSampler::Kind::kRateLimited);
  EXPECT_DOUBLE_EQ(limited.argument(), 7.0);
}

TEST(ConfiguredSampler, BadValuesFallBackToDefaults) {
  ConfiguredSampler unset = ConfiguredSampler::parse("", "");
  EXPECT_EQ(unset.kind(), ConfiguredSampler::Kind::kAlwaysOn);
  EXPECT_TRUE(unset.parent_based());
  EXPECT_EQ(ConfiguredSampler::parse("jaeger_remote", "x").kind(), ConfiguredSampler::Kind::kAlwaysOn);
  for (const char* arg : {"1.5", "-0.1", "nan", "inf", "0.5x", "abc", "1e400"})
    EXPECT_DOUBLE_EQ(ConfiguredSampler::parse("traceidratio", arg).argument(), 1.0) << arg;
  EXPECT_DOUBLE_EQ(ConfiguredSampler::parse("ratelimited", "-1").argument(), 100.0);
}

}  // namespace
}  // namespace zspan
