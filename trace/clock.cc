#include "zspan/trace/clock.hpp"

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

ClockAnchor::ClockAnchor() noexcept {
  // Measure the tick rate over a short window against steady_clock; 2 ms gives better
  // than 0.1 % with rdtsc, which is finer than the clocks' own drift over a run.
  const std::uint64_t steady0 = detail::steady_nanos();
  const std::uint64_t ticks0 = now_ticks();
  if (uses_tsc()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const std::uint64_t steady1 = detail::steady_nanos();
    const std::uint64_t ticks1 = now_ticks();
    ticks_per_ns_ = steady1 > steady0 ? static_cast<double>(ticks1 - ticks0) / static_cast<double>(steady1 - steady0) : 1.0;
    if (ticks_per_ns_ <= 0.0) ticks_per_ns_ = 1.0;
  } else {
    ticks_per_ns_ = 1.0;
  }
  anchor_ticks_ = ticks0;
  const auto wall = std::chrono::system_clock::now().time_since_epoch();
  const std::uint64_t wall_ns = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count());
  const std::uint64_t steady_now = detail::steady_nanos();
  // Wall time at ticks0 = wall now minus the steady time elapsed since ticks0.
  anchor_unix_ns_ = wall_ns - (steady_now - steady0);
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
