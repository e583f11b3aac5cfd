#include "trace/ids.hpp"

#include <chrono>
#include <functional>
#include <random>
#include <thread>

namespace zspan::detail {

constinit thread_local std::uint64_t tls_id_state = 0;

std::uint64_t seed_id_state() noexcept {
  std::uint64_t seed = 0;
  try {
    std::random_device entropy;
    seed = (std::uint64_t{entropy()} << 32) ^ entropy();
  } catch (...) {
    // No entropy device: the time and the thread still make seeds distinct.
  }
  seed ^= static_cast<std::uint64_t>(std::chrono::high_resolution_clock::now().time_since_epoch().count());
  seed ^= std::hash<std::thread::id>{}(std::this_thread::get_id()) * 0xff51afd7ed558ccdULL;
  seed ^= reinterpret_cast<std::uintptr_t>(&tls_id_state);
  return seed != 0 ? seed : 0x2545f4914f6cdd1dULL;
}

void write_hex(std::uint64_t value, char* out16) noexcept {
  constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i, value >>= 4) out16[i] = kDigits[value & 0xf];
}

std::optional<std::uint64_t> parse_hex_u64(std::string_view hex16) noexcept {
  if (hex16.size() != 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : hex16) {
    std::uint64_t digit;
    if (c >= '0' && c <= '9') digit = static_cast<std::uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') digit = static_cast<std::uint64_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') digit = static_cast<std::uint64_t>(c - 'A' + 10);
    else return std::nullopt;
    value = (value << 4) | digit;
  }
  return value;
}

}  // namespace zspan::detail

namespace zspan {

std::optional<SpanId> SpanId::from_hex(std::string_view hex16) noexcept {
  auto v = detail::parse_hex_u64(hex16);
  if (!v) return std::nullopt;
  return SpanId{*v};
}

std::optional<TraceId> TraceId::from_hex(std::string_view hex32) noexcept {
  if (hex32.size() != 32) return std::nullopt;
  auto high = detail::parse_hex_u64(hex32.substr(0, 16));
  auto low = detail::parse_hex_u64(hex32.substr(16));
  if (!high || !low) return std::nullopt;
  return TraceId{*high, *low};
}

}  // namespace zspan
