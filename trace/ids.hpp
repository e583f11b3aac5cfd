// Trace and span identifiers, and the per-thread generator that makes them.
//
//   zspan::TraceId t = zspan::TraceId::generate();   // 128 bits, never all zero
//   zspan::SpanId  s = zspan::SpanId::generate();    // 64 bits, never zero
//   char hex[32]; t.to_hex(hex);                     // lower-case, as W3C traceparent wants
//
// Ids come from SplitMix64 over a per-thread state seeded once from the OS entropy
// pool, the thread and the time: no lock, no system call after the first id on a thread.
// SplitMix64 is a bijection of its state, so a thread never repeats an id within 2^64
// draws; across threads and processes a collision needs two random 64-bit seeds to meet.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>

namespace zspan {

namespace detail {
// 0 means "not seeded yet": the first draw on a thread seeds it.
extern constinit thread_local std::uint64_t tls_id_state;
std::uint64_t seed_id_state() noexcept;

inline std::uint64_t next_random_u64() noexcept {
  std::uint64_t s = tls_id_state;
  if (s == 0) [[unlikely]] s = seed_id_state();
  s += 0x9e3779b97f4a7c15ULL;
  tls_id_state = s;
  std::uint64_t z = s;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void write_hex(std::uint64_t value, char* out16) noexcept;
// Parses exactly 16 lower- or upper-case hex digits; nullopt on anything else.
std::optional<std::uint64_t> parse_hex_u64(std::string_view hex16) noexcept;
}  // namespace detail

struct SpanId {
  std::uint64_t value = 0;

  static SpanId generate() noexcept {
    std::uint64_t v = detail::next_random_u64();
    return {v != 0 ? v : 1};
  }
  constexpr bool valid() const noexcept { return value != 0; }
  void to_hex(char* out16) const noexcept { detail::write_hex(value, out16); }
  // 16 hex digits; an all-zero id parses but is not valid().
  static std::optional<SpanId> from_hex(std::string_view hex16) noexcept;
  friend constexpr auto operator<=>(SpanId, SpanId) = default;
};

struct TraceId {
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  static TraceId generate() noexcept {
    TraceId id{detail::next_random_u64(), detail::next_random_u64()};
    if (!id.valid()) id.low = 1;
    return id;
  }
  constexpr bool valid() const noexcept { return (high | low) != 0; }
  void to_hex(char* out32) const noexcept {
    detail::write_hex(high, out32);
    detail::write_hex(low, out32 + 16);
  }
  // 32 hex digits; an all-zero id parses but is not valid().
  static std::optional<TraceId> from_hex(std::string_view hex32) noexcept;
  friend constexpr auto operator<=>(const TraceId&, const TraceId&) = default;
};

}  // namespace zspan
