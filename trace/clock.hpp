// The span clock: what a span reads at its start and end, and how those readings
// become wall-clock time for export.
//
// On x86-64 with an invariant TSC the reading is `rdtsc` (about 10 ns here, less than
// half of steady_clock::now()); elsewhere it is steady_clock in nanoseconds. Readings
// are converted to Unix time off the hot path, by a ClockAnchor that pairs one reading
// with the wall clock once and measures the tick rate against steady_clock.
#pragma once

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#define ZSPAN_HAVE_TSC 1  // read with the compiler's builtin: <x86intrin.h> is 55,000 lines
#else
#define ZSPAN_HAVE_TSC 0
#endif

#include <chrono>

namespace zspan {

namespace detail {
// Decided once at start-up (static initialization of trace/clock.cc).
extern const bool g_clock_uses_tsc;

inline std::uint64_t steady_nanos() noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}
// steady_nanos() out of line: the fallback of now_ticks() stays out of the hot path.
std::uint64_t steady_nanos_call() noexcept;
}  // namespace detail

// A monotonic reading in the clock's own unit (TSC ticks or nanoseconds).
[[gnu::always_inline]] inline std::uint64_t now_ticks() noexcept {
#if ZSPAN_HAVE_TSC
  if (detail::g_clock_uses_tsc) [[likely]]
    return __builtin_ia32_rdtsc();
#endif
  return detail::steady_nanos_call();
}

// Converts span clock readings to Unix nanoseconds. Anchored once: every span of a
// process is placed on the same line, so durations and orderings survive conversion.
class ClockAnchor {
 public:
  static const ClockAnchor& instance() noexcept;
  // A clock with a given reading at a given Unix time and rate: for tests that need
  // exact timestamps (golden spans).
  static constexpr ClockAnchor fixed(std::uint64_t anchor_ticks, std::uint64_t anchor_unix_ns, double ticks_per_ns) noexcept {
    return ClockAnchor(anchor_ticks, anchor_unix_ns, ticks_per_ns);
  }

  std::uint64_t to_unix_nanos(std::uint64_t ticks) const noexcept;
  std::uint64_t to_nanos(std::uint64_t tick_delta) const noexcept;
  bool uses_tsc() const noexcept { return detail::g_clock_uses_tsc; }

 private:
  ClockAnchor() noexcept;
  constexpr ClockAnchor(std::uint64_t ticks, std::uint64_t unix_ns, double ticks_per_ns) noexcept
      : anchor_ticks_(ticks), anchor_unix_ns_(unix_ns), ticks_per_ns_(ticks_per_ns) {}
  std::uint64_t anchor_ticks_;
  std::uint64_t anchor_unix_ns_;
  double ticks_per_ns_;
};

}  // namespace zspan
