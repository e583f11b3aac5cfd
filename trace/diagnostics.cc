#include "zspan/trace/diagnostics.hpp"

#include <cstdio>

namespace zspan {

bool RateLimitedWarning::admit() noexcept {
  count_.fetch_add(1, std::memory_order_relaxed);
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
  std::int64_t next = next_allowed_nanos_.load(std::memory_order_relaxed);
  if (now < next || !next_allowed_nanos_.compare_exchange_strong(next, now + kIntervalNanos)) {
    held_back_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void RateLimitedWarning::write_line(std::string_view detail) noexcept {
  const std::uint64_t held = held_back_.exchange(0, std::memory_order_relaxed);
  const int what_len = static_cast<int>(what_.size());
  const int detail_len = static_cast<int>(detail.size());
  if (held > 0)
    std::fprintf(stderr, "%.*s%s%.*s (%llu more like this in the last 10 s)\n", what_len, what_.data(),
                 detail.empty() ? "" : ": ", detail_len, detail.data(), static_cast<unsigned long long>(held));
  else
    std::fprintf(stderr, "%.*s%s%.*s\n", what_len, what_.data(), detail.empty() ? "" : ": ", detail_len,
                 detail.data());
}

}  // namespace zspan
