// Samplers decide, once per trace at its local root, whether its spans are recorded.
// Children inherit the decision through their context, so a sampler runs only where a
// trace starts in this process: a span with no parent, or one whose parent is remote.
// The decision then travels with the context (the sampled flag of traceparent, b3,
// uber-trace-id), and a sampled-out span still passes valid ids downstream.
//
// A sampler is any type with
//   bool should_sample(const SamplingInput&) noexcept;
// used as the first template argument of zspan::Tracer:
//
//   zspan::Tracer<zspan::ParentBased<zspan::TraceIdRatioSampler>, Exporter> t{"svc", {zspan::TraceIdRatioSampler{0.1}}};
//   zspan::Tracer<zspan::ConfiguredSampler, Exporter> u{"svc", zspan::ConfiguredSampler::from_env()};
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include "zspan/trace/callsite.hpp"
#include "zspan/trace/clock.hpp"
#include "zspan/trace/ids.hpp"
#include "zspan/trace/span_context.hpp"

namespace zspan {

struct SamplingInput {
  TraceId trace_id;  // at a root, before its validity fix-up (TraceId::unchecked_from_state)
  const Callsite* callsite;
  bool has_remote_parent;
  TraceFlags remote_parent_flags;  // meaningful when has_remote_parent
};

template <class S>
concept Sampler = requires(S& s, const SamplingInput& in) {
  { s.should_sample(in) } noexcept -> std::convertible_to<bool>;
};

struct AlwaysOnSampler {
  static constexpr bool should_sample(const SamplingInput&) noexcept { return true; }
};

struct AlwaysOffSampler {
  static constexpr bool should_sample(const SamplingInput&) noexcept { return false; }
};

// Samplers known at compile time to keep no trace: a root of their tracer asks nothing
// and draws no ids (a sampled-out root's ids are minted if its context leaves the thread).
template <class S>
inline constexpr bool kNeverSamples = false;
template <>
inline constexpr bool kNeverSamples<AlwaysOffSampler> = true;

// Samplers known at compile time not to read SamplingInput::trace_id at a root: a root of
// their tracer draws no trace id, which is minted when first needed (trace/context.hpp,
// "Lazy contexts"). Any other sampler is given one.
template <class S>
inline constexpr bool kReadsRootTraceId = true;
template <>
inline constexpr bool kReadsRootTraceId<AlwaysOnSampler> = false;
template <>
inline constexpr bool kReadsRootTraceId<AlwaysOffSampler> = false;

// Keeps `ratio` of the traces, decided from the trace id alone, so that every service
// seeing a trace decides alike. The rule of OpenTelemetry's TraceIdRatioBased sampler
// as the Go and Python SDKs implement it: sample when the lower 8 bytes of the id, read
// big-endian (TraceId::low), shifted right by one, are below ratio * 2^63.
class TraceIdRatioSampler {
 public:
  explicit constexpr TraceIdRatioSampler(double ratio = 1.0) noexcept : ratio_(clamp(ratio)), bound_(bound_for(ratio_)) {}

  constexpr bool should_sample(const SamplingInput& in) const noexcept { return keeps(in.trace_id, bound_); }
  constexpr double ratio() const noexcept { return ratio_; }

  // The rule as a bound, for samplers whose ratio changes at run time (a ratio of 1 keeps
  // every trace: its bound is above every value of low >> 1).
  static constexpr std::uint64_t bound_for(double ratio) noexcept {
    const double r = clamp(ratio);
    return r >= 1.0 ? ~std::uint64_t{0} : static_cast<std::uint64_t>(r * 9223372036854775808.0);  // 2^63
  }
  static constexpr bool keeps(const TraceId& trace_id, std::uint64_t bound) noexcept {
    return (trace_id.low >> 1) < bound;
  }

 private:
  static constexpr double clamp(double r) noexcept { return r > 0.0 ? (r < 1.0 ? r : 1.0) : 0.0; }  // NaN -> 0
  double ratio_;
  std::uint64_t bound_;
};

// At most `per_second` new traces a second, with bursts of up to one second's worth.
// A token bucket kept as one atomic (the virtual time of the last token taken, the
// "generic cell rate algorithm"): a decision is a clock read and one compare-exchange,
// no lock. Copying (to hand it to a Tracer) copies the bucket's state. set_per_second
// changes the rate while threads decide (the jaeger_remote sampler's strategies).
class RateLimitingSampler {
 public:
  explicit RateLimitingSampler(double per_second) noexcept : last_(0) { set_per_second(per_second); }
  RateLimitingSampler(const RateLimitingSampler& other) noexcept
      : per_second_(other.per_second_.load(std::memory_order_relaxed)),
        interval_nanos_(other.interval_nanos_.load(std::memory_order_relaxed)),
        capacity_nanos_(other.capacity_nanos_.load(std::memory_order_relaxed)),
        last_(other.last_.load(std::memory_order_relaxed)) {}
  RateLimitingSampler& operator=(const RateLimitingSampler&) = delete;

  bool should_sample(const SamplingInput&) noexcept {
    const std::int64_t interval = interval_nanos_.load(std::memory_order_relaxed);
    const std::int64_t capacity = capacity_nanos_.load(std::memory_order_relaxed);
    if (interval == 0) return false;
    const auto now = static_cast<std::int64_t>(detail::steady_nanos());
    std::int64_t last = last_.load(std::memory_order_relaxed);
    while (true) {
      // An idle bucket holds at most `capacity` worth of tokens.
      const std::int64_t taken = (last > now - capacity ? last : now - capacity) + interval;
      if (taken > now) return false;
      if (last_.compare_exchange_weak(last, taken, std::memory_order_relaxed)) return true;
    }
  }
  double per_second() const noexcept { return per_second_.load(std::memory_order_relaxed); }
  // Zero, negative, NaN or less than one trace in 285 years: never sample.
  void set_per_second(double per_second) noexcept;

 private:
  std::atomic<double> per_second_{0.0};
  std::atomic<std::int64_t> interval_nanos_{0};  // 0: never sample
  std::atomic<std::int64_t> capacity_nanos_{0};
  std::atomic<std::int64_t> last_;
};

template <>
inline constexpr bool kReadsRootTraceId<RateLimitingSampler> = false;

// OpenTelemetry's ParentBased: under a remote parent, follow its sampled flag; at a
// root, ask `Root`. (Local parents never reach a sampler: their children inherit.)
template <Sampler Root>
class ParentBased {
 public:
  ParentBased() = default;
  explicit ParentBased(Root root) noexcept : root_(std::move(root)) {}

  bool should_sample(const SamplingInput& in) noexcept {
    if (in.has_remote_parent) return in.remote_parent_flags.sampled();
    return root_.should_sample(in);
  }
  Root& root() noexcept { return root_; }

 private:
  Root root_{};
};
template <class Root>
inline constexpr bool kReadsRootTraceId<ParentBased<Root>> = kReadsRootTraceId<Root>;

// The sampler chosen at run time, from OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG
// (OpenTelemetry SDK environment variables): always_on, always_off, traceidratio,
// parentbased_always_on (the default), parentbased_always_off, parentbased_traceidratio;
// and, a zspan extension, ratelimited and parentbased_ratelimited with the argument in
// traces per second (default 100). A switch over the kind, no virtual call. A bad name
// or argument is reported (rate-limited, on stderr) and replaced by the default:
// parentbased_always_on, ratio 1.0, 100 traces/s.
class ConfiguredSampler {
 public:
  enum class Kind : std::uint8_t { kAlwaysOn, kAlwaysOff, kTraceIdRatio, kRateLimited, kDelegated };
  using DecideFn = bool (*)(void*, const SamplingInput&) noexcept;

  // The sampler configure() installed (configure/configure.hpp); before, or without it,
  // the OpenTelemetry default parentbased_always_on.
  ConfiguredSampler() noexcept : ConfiguredSampler(installed()) {}
  static ConfiguredSampler from_env() noexcept;
  // What later default-constructed samplers are (configure() calls it).
  static void install(const ConfiguredSampler& sampler) noexcept;
  // The values of OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG (empty when unset).
  // jaeger_remote needs a thread and an HTTP client: configure() makes it (delegating).
  static ConfiguredSampler parse(std::string_view name, std::string_view arg) noexcept;
  // A sampler of another type (JaegerRemoteSampler), shared by every copy.
  template <Sampler S>
  static ConfiguredSampler delegating(std::shared_ptr<S> sampler, bool parent_based) noexcept {
    return ConfiguredSampler(Kind::kDelegated, parent_based, 0.0, std::move(sampler),
                             [](void* s, const SamplingInput& in) noexcept -> bool {
                               return static_cast<S*>(s)->should_sample(in);
                             });
  }

  bool should_sample(const SamplingInput& in) noexcept {
    if (parent_based_ && in.has_remote_parent) return in.remote_parent_flags.sampled();
    switch (kind_) {
      case Kind::kAlwaysOn: return true;
      case Kind::kAlwaysOff: return false;
      case Kind::kTraceIdRatio: return ratio_.should_sample(in);
      case Kind::kRateLimited: return rate_.should_sample(in);
      case Kind::kDelegated: return delegate_decide_(delegate_.get(), in);
    }
    return false;
  }

  Kind kind() const noexcept { return kind_; }
  bool parent_based() const noexcept { return parent_based_; }
  // The ratio, or the traces per second, as configured.
  double argument() const noexcept;

 private:
  ConfiguredSampler(Kind kind, bool parent_based, double argument, std::shared_ptr<void> delegate = nullptr,
                    DecideFn decide = nullptr) noexcept;
  static ConfiguredSampler spec_default() noexcept { return {Kind::kAlwaysOn, true, 1.0}; }
  static ConfiguredSampler installed() noexcept;

  Kind kind_;
  bool parent_based_;
  TraceIdRatioSampler ratio_;
  RateLimitingSampler rate_;
  std::shared_ptr<void> delegate_;
  DecideFn delegate_decide_;
};

}  // namespace zspan
