#include "zspan/trace/clock.hpp"

#include <cstdint>
#include <thread>

#if ZSPAN_HAVE_TSC
#include <cpuid.h>
#endif

namespace zspan {
namespace detail {

bool tsc_invariant() noexcept {
#if ZSPAN_HAVE_TSC
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) || eax < 0x80000007u) return false;
  __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx);
  return (edx & (1u << 8)) != 0;  // CPUID.80000007H:EDX[8], "Invariant TSC"
#else
  return true;  // no TSC read: nothing to doubt
#endif
}

}  // namespace detail

namespace {

// A reading of both clocks at one instant: the steady_clock read bracketed by two span
// clock reads, the narrowest bracket of a few tries, so that a preemption between the two
// reads (on a loaded machine) cannot skew the pair by more than the narrowest gap.
struct ClockPair {
  std::uint64_t ticks;
  std::uint64_t steady_ns;
};

ClockPair read_both_clocks() noexcept {
  ClockPair best{};
  std::uint64_t narrowest = UINT64_MAX;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const std::uint64_t before = now_ticks();
    const std::uint64_t steady_ns = detail::steady_nanos();
    const std::uint64_t after = now_ticks();
    if (after - before < narrowest) {
      narrowest = after - before;
      best = {before + (after - before) / 2, steady_ns};
    }
  }
  return best;
}

}  // namespace

ClockAnchor::ClockAnchor() noexcept {
  // Measure the tick rate over a short window against steady_clock: with both ends read
  // as tight pairs, 2 ms gives better than 0.1 %, finer than the clocks' own drift over a
  // run, however the thread is scheduled meanwhile.
  const ClockPair start = read_both_clocks();
  if (uses_tsc()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const ClockPair end = read_both_clocks();
    ticks_per_ns_ = end.steady_ns > start.steady_ns && end.ticks > start.ticks
                        ? static_cast<double>(end.ticks - start.ticks) / static_cast<double>(end.steady_ns - start.steady_ns)
                        : 1.0;
  } else {
    ticks_per_ns_ = 1.0;
  }
  anchor_ticks_ = start.ticks;
  const auto wall = std::chrono::system_clock::now().time_since_epoch();
  const std::uint64_t wall_ns = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count());
  const std::uint64_t steady_now = detail::steady_nanos();
  // Wall time at the anchor = wall now minus the steady time elapsed since it.
  anchor_unix_ns_ = wall_ns - (steady_now - start.steady_ns);
}

const ClockAnchor& ClockAnchor::instance() noexcept {
  static const ClockAnchor anchor;
  return anchor;
}

std::uint64_t ClockAnchor::to_nanos(std::uint64_t tick_delta) const noexcept {
  return static_cast<std::uint64_t>(static_cast<double>(tick_delta) / ticks_per_ns_);
}

std::uint64_t ClockAnchor::to_unix_nanos(std::uint64_t ticks) const noexcept {
  if (ticks >= anchor_ticks_) return anchor_unix_ns_ + to_nanos(ticks - anchor_ticks_);
  return anchor_unix_ns_ - to_nanos(anchor_ticks_ - ticks);
}

}  // namespace zspan
