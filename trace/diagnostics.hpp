// Messages zspan writes about itself (a malformed header, a full queue, a backend that
// is down). Rate-limited per message site so that bad input in a hot loop cannot flood
// the host's stderr: at most one line per site every 10 s, with the number held back.
//
//   static zspan::RateLimitedWarning warning("zspan: traceparent rejected");
//   warning.emit("{} bytes", n);
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

namespace zspan {

class RateLimitedWarning {
 public:
  explicit constexpr RateLimitedWarning(std::string_view what) noexcept : what_(what) {}

  template <class... Args>
  void emit(fmt::format_string<Args...> detail, Args&&... args) noexcept {
    if (!admit()) return;
    try {
      write_line(fmt::format(detail, std::forward<Args>(args)...));
    } catch (...) {
      // Formatting failed (out of memory): the message is lost, the host is not.
    }
  }
  void emit() noexcept {
    if (admit()) write_line({});
  }

  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::int64_t kIntervalNanos = 10'000'000'000;

  bool admit() noexcept;
  void write_line(std::string_view detail) noexcept;

  std::string_view what_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> held_back_{0};
  std::atomic<std::int64_t> next_allowed_nanos_{0};
};

}  // namespace zspan
