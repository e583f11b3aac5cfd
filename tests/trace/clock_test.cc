// The span clock: monotonic, and converted to wall-clock time that agrees with the
// system clock and with real durations.
#include "zspan/trace/clock.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace zspan {
namespace {

std::uint64_t unix_nanos_now() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

TEST(Clock, ReadingsNeverGoBackwards) {
  std::uint64_t last = now_ticks();
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t t = now_ticks();
    ASSERT_GE(t, last);
    last = t;
  }
}

TEST(Clock, ConvertsToTheWallClock) {
  const ClockAnchor& anchor = ClockAnchor::instance();
  const std::uint64_t wall = unix_nanos_now();
  const std::uint64_t converted = anchor.to_unix_nanos(now_ticks());
  const std::uint64_t diff = converted > wall ? converted - wall : wall - converted;
  EXPECT_LT(diff, 5'000'000u) << "within 5 ms of system_clock";
}

TEST(Clock, DurationsMatchSleeps) {
  const ClockAnchor& anchor = ClockAnchor::instance();
  const std::uint64_t start = now_ticks();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const std::uint64_t nanos = anchor.to_nanos(now_ticks() - start);
  EXPECT_GE(nanos, 49'000'000u);
  EXPECT_LT(nanos, 500'000'000u) << "a loaded machine may oversleep, not by 10x";
}

}  // namespace
}  // namespace zspan
