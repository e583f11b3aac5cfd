// The span clock: what a span reads at its start and end, and how those readings
// become wall-clock time for export.
//
// On x86 the reading is `rdtsc` (about 10 ns here, less than half of
// steady_clock::now()); elsewhere, or built with -DZSPAN_STEADY_CLOCK, it is steady_clock
// in nanoseconds. The choice is made at compile time, so a reading is one instruction
// and no test: every x86-64 CPU since 2008 has an invariant TSC (constant rate, ticking
// in every power state). On one without (CPUID.80000007H:EDX[8] clear; some hypervisors
// hide the bit of a TSC that is constant all the same) the collector warns once at start:
// durations are then off by the CPU's frequency changes, and ZSPAN_STEADY_CLOCK is the
// remedy. Readings are converted to Unix time off the hot path, by a ClockAnchor that
// pairs one reading with the wall clock once and measures the tick rate against
// steady_clock.
#pragma once

#include <cstdint>

#if (defined(__x86_64__) || defined(__i386__)) && !defined(ZSPAN_STEADY_CLOCK)
#define ZSPAN_HAVE_TSC 1  // read with the compiler's builtin: <x86intrin.h> is 55,000 lines
#else
#define ZSPAN_HAVE_TSC 0
#endif

#include <chrono>

namespace zspan {

namespace detail {
inline std::uint64_t steady_nanos() noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}
// False when spans read a TSC that the CPU does not call invariant (see above).
bool tsc_invariant() noexcept;
}  // namespace detail

// A monotonic reading in the clock's own unit (TSC ticks or nanoseconds).
[[gnu::always_inline]] inline std::uint64_t now_ticks() noexcept {
#if ZSPAN_HAVE_TSC
  return __builtin_ia32_rdtsc();
#else
  return detail::steady_nanos();
#endif
}

namespace detail {
// Writes a reading to `at`, as a span's start and end do: rdtsc's two halves stored as
// they come, one instruction fewer than joining them first.
[[gnu::always_inline]] inline void stamp_ticks(std::uint64_t& at) noexcept {
#if ZSPAN_HAVE_TSC && defined(__x86_64__)
  std::uint32_t low;
  std::uint32_t high;
  asm volatile("rdtsc" : "=a"(low), "=d"(high));
  __builtin_memcpy(reinterpret_cast<char*>(&at), &low, sizeof(low));  // little-endian
  __builtin_memcpy(reinterpret_cast<char*>(&at) + sizeof(low), &high, sizeof(high));
#else
  at = now_ticks();
#endif
}
}  // namespace detail

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
  static constexpr bool uses_tsc() noexcept { return ZSPAN_HAVE_TSC; }

 private:
  ClockAnchor() noexcept;
  constexpr ClockAnchor(std::uint64_t ticks, std::uint64_t unix_ns, double ticks_per_ns) noexcept
      : anchor_ticks_(ticks), anchor_unix_ns_(unix_ns), ticks_per_ns_(ticks_per_ns) {}
  std::uint64_t anchor_ticks_;
  std::uint64_t anchor_unix_ns_;
  double ticks_per_ns_;
};

}  // namespace zspan
