#include "zspan/trace/ids.hpp"

#include <bit>
#include <chrono>
#include <cstring>
#include <functional>
#include <random>
#include <thread>

namespace zspan::detail {

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
  seed ^= reinterpret_cast<std::uintptr_t>(&tls_state.id_state);
  return seed != 0 ? seed : 0x2545f4914f6cdd1dULL;
}

namespace {

// The eight hex digits of a 32-bit value, one per byte, the most significant in the highest:
// the nibbles spread apart, then turned into '0'-'9' and 'a'-'f' all at once.
constexpr std::uint64_t hex_digits(std::uint64_t half) noexcept {
  std::uint64_t x = ((half & 0xFFFF0000u) << 16) | (half & 0xFFFFu);
  x = ((x & 0x0000FF000000FF00u) << 8) | (x & 0x000000FF000000FFu);
  x = ((x & 0x00F000F000F000F0u) << 4) | (x & 0x000F000F000F000Fu);
  const std::uint64_t letters = ((x + 0x0606060606060606u) >> 4) & 0x0101010101010101u;  // nibbles >= 10
  return x + 0x3030303030303030u + letters * ('a' - '0' - 10);
}
static_assert(hex_digits(0x0123abcf) == 0x3031323361626366);

}  // namespace

void write_hex(std::uint64_t value, char* out16) noexcept {
  std::uint64_t digits[2] = {hex_digits(value >> 32), hex_digits(value & 0xFFFFFFFFu)};
  if constexpr (std::endian::native == std::endian::little) {
    digits[0] = __builtin_bswap64(digits[0]);
    digits[1] = __builtin_bswap64(digits[1]);
  }
  std::memcpy(out16, digits, sizeof(digits));
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
