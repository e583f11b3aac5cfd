#include "zspan/trace/sampler.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <mutex>

#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/env.hpp"
#include "zspan/trace/internal/text.hpp"

namespace zspan {

namespace {

constinit RateLimitedWarning g_bad_sampler{"zspan: OTEL_TRACES_SAMPLER: unknown sampler, using parentbased_always_on"};
constinit RateLimitedWarning g_bad_sampler_arg{"zspan: OTEL_TRACES_SAMPLER_ARG: invalid argument, using the default"};

constexpr double kDefaultRatio = 1.0;
constexpr double kDefaultTracesPerSecond = 100.0;
// Bound what an operator's typo can request; beyond it rate limiting means nothing.
constexpr double kMaxTracesPerSecond = 1e9;

// A finite number in [low, high], or `fallback` (reported) when `arg` is set but is not one.
double parse_argument(std::string_view arg, double low, double high, double fallback) noexcept {
  arg = detail::trim_ows(arg);
  if (arg.empty()) return fallback;
  double value = 0;
  const auto [end, error] = std::from_chars(arg.data(), arg.data() + arg.size(), value);
  if (error != std::errc{} || end != arg.data() + arg.size() || !std::isfinite(value) || value < low ||
      value > high) {
    g_bad_sampler_arg.emit("\"{}\" is not a number in [{}, {}]", arg.substr(0, 64), low, high);
    return fallback;
  }
  return value;
}

}  // namespace

void RateLimitingSampler::set_per_second(double per_second) noexcept {
  std::int64_t interval = 0;  // zero, negative or NaN: never
  if (per_second > 0.0) {
    const double nanos = 1e9 / per_second;
    if (nanos < 9e18) interval = nanos < 1.0 ? 1 : static_cast<std::int64_t>(nanos);  // else: never
  }
  per_second_.store(interval ? per_second : 0.0, std::memory_order_relaxed);
  capacity_nanos_.store(interval > 1'000'000'000 ? interval : 1'000'000'000, std::memory_order_relaxed);
  interval_nanos_.store(interval, std::memory_order_relaxed);
}

ConfiguredSampler::ConfiguredSampler(Kind kind, bool parent_based, double argument, std::shared_ptr<void> delegate,
                                     DecideFn decide) noexcept
    : kind_(kind),
      parent_based_(parent_based),
      ratio_(kind == Kind::kTraceIdRatio ? argument : kDefaultRatio),
      rate_(kind == Kind::kRateLimited ? argument : kDefaultTracesPerSecond),
      delegate_(std::move(delegate)),
      delegate_decide_(decide) {}

double ConfiguredSampler::argument() const noexcept {
  switch (kind_) {
    case Kind::kTraceIdRatio: return ratio_.ratio();
    case Kind::kRateLimited: return rate_.per_second();
    default: return 0.0;
  }
}

ConfiguredSampler ConfiguredSampler::parse(std::string_view name, std::string_view arg) noexcept {
  name = detail::trim_ows(name);
  constexpr std::string_view kParentBased = "parentbased_";
  const bool parent_based =
      name.size() > kParentBased.size() && detail::equals_ignoring_case(name.substr(0, kParentBased.size()), kParentBased);
  const std::string_view root = parent_based ? name.substr(kParentBased.size()) : name;
  if (name.empty()) return spec_default();
  if (detail::equals_ignoring_case(root, "always_on")) return {Kind::kAlwaysOn, parent_based, 0.0};
  if (detail::equals_ignoring_case(root, "always_off")) return {Kind::kAlwaysOff, parent_based, 0.0};
  if (detail::equals_ignoring_case(root, "traceidratio"))
    return {Kind::kTraceIdRatio, parent_based, parse_argument(arg, 0.0, 1.0, kDefaultRatio)};
  if (detail::equals_ignoring_case(root, "ratelimited"))
    return {Kind::kRateLimited, parent_based, parse_argument(arg, 0.0, kMaxTracesPerSecond, kDefaultTracesPerSecond)};
  if (detail::equals_ignoring_case(root, "jaeger_remote")) {
    static RateLimitedWarning needs_configure{
        "zspan: OTEL_TRACES_SAMPLER=jaeger_remote is made by zspan::configure() (configure/configure.hpp); "
        "using parentbased_always_on"};
    needs_configure.emit();
    return spec_default();
  }
  g_bad_sampler.emit("\"{}\"", name.substr(0, 64));
  return spec_default();
}

namespace {
struct InstalledSampler {
  std::mutex mutex;
  bool installed = false;
  ConfiguredSampler::Kind kind{};
  bool parent_based = true;
  double argument = 0.0;
  std::shared_ptr<void> delegate;
  ConfiguredSampler::DecideFn decide = nullptr;
};
InstalledSampler& installed_sampler() noexcept {
  static InstalledSampler installed;
  return installed;
}
}  // namespace

void ConfiguredSampler::install(const ConfiguredSampler& sampler) noexcept {
  InstalledSampler& i = installed_sampler();
  const std::lock_guard lock(i.mutex);
  i.installed = true;
  i.kind = sampler.kind_;
  i.parent_based = sampler.parent_based_;
  i.argument = sampler.argument();
  i.delegate = sampler.delegate_;
  i.decide = sampler.delegate_decide_;
}

ConfiguredSampler ConfiguredSampler::installed() noexcept {
  InstalledSampler& i = installed_sampler();
  const std::lock_guard lock(i.mutex);
  return i.installed ? ConfiguredSampler(i.kind, i.parent_based, i.argument, i.delegate, i.decide) : spec_default();
}

ConfiguredSampler ConfiguredSampler::from_env() noexcept {
  return parse(env::value("OTEL_TRACES_SAMPLER").value_or(""), env::value("OTEL_TRACES_SAMPLER_ARG").value_or(""));
}

}  // namespace zspan
