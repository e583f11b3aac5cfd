// Trace and span identifiers, and the per-thread generator that makes them.
//
//   zspan::TraceId t = zspan::TraceId::generate();   // 128 bits, never all zero
//   zspan::SpanId  s = zspan::SpanId::generate();    // 64 bits, never zero
//   char hex[32]; t.to_hex(hex);                     // lower-case, as W3C traceparent wants
//
// Ids come from wyrand (a Weyl sequence folded through one 64x64->128-bit multiply; it
// passes BigCrush and PractRand, and Go's runtime used it for fastrand) over a per-thread
// state seeded once from the OS entropy pool, the thread and the time: no lock, no
// system call after the first id on a thread, about five instructions an id. Ids are
// random 64-bit values: two of a million collide with odds of 1 in 3.6e7. A trace id is
// one step too: the high half of the 128-bit product, and wyrand's fold of it below.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>

#include "zspan/trace/internal/thread_state.hpp"

namespace zspan {

namespace detail {
// The thread's generator state is tls_state.id_state: 0 means "not seeded yet", and the
// first draw on a thread seeds it.
std::uint64_t seed_id_state() noexcept;

inline constexpr std::uint64_t kIdGamma = 0xa0761d6478bd642fULL;

constexpr unsigned __int128 id_product(std::uint64_t s) noexcept {
  return static_cast<unsigned __int128>(s) * (s ^ 0xe7037ed1a0b428dbULL);
}
constexpr std::uint64_t id_mix(std::uint64_t s) noexcept {
  const unsigned __int128 product = id_product(s);
  return static_cast<std::uint64_t>(product >> 64) ^ static_cast<std::uint64_t>(product);
}

// One step of this thread's generator: the state after it.
[[gnu::always_inline]] inline std::uint64_t next_id_state() noexcept {
  std::uint64_t s = tls_state.id_state;
  if (s == 0) [[unlikely]] s = seed_id_state();
  s += kIdGamma;
  tls_state.id_state = s;
  return s;
}

[[gnu::always_inline]] inline std::uint64_t next_random_u64() noexcept { return id_mix(next_id_state()); }

// This thread's generator held in a local for a loop of draws (the collector minting a run
// of spans' ids): the state stays in a register and goes back to the thread at the end.
// Only one may be alive on a thread at a time, and no other draw on it meanwhile.
class LocalIdState {
 public:
  LocalIdState() noexcept : state_(tls_state.id_state != 0 ? tls_state.id_state : seed_id_state()) {}
  ~LocalIdState() { tls_state.id_state = state_; }
  LocalIdState(const LocalIdState&) = delete;
  LocalIdState& operator=(const LocalIdState&) = delete;

  // One step: the state after it (as next_id_state()).
  std::uint64_t next() noexcept { return state_ += kIdGamma; }

 private:
  std::uint64_t state_;
};

void write_hex(std::uint64_t value, char* out16) noexcept;
// Parses exactly 16 lower- or upper-case hex digits; nullopt on anything else.
std::optional<std::uint64_t> parse_hex_u64(std::string_view hex16) noexcept;
}  // namespace detail

struct SpanId {
  std::uint64_t value = 0;

  [[gnu::always_inline]] static SpanId generate() noexcept { return from_state(detail::next_id_state()); }
  // The span id of one step of the generator (the state after it).
  [[gnu::always_inline]] static constexpr SpanId from_state(std::uint64_t s) noexcept {
    const std::uint64_t v = detail::id_mix(s);
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

  [[gnu::always_inline]] static TraceId generate() noexcept { return from_state(detail::next_id_state()); }
  // The trace id of one step of the generator (the state after it): one multiply. The
  // two steps in 2^64 whose id would be all zero give a high half of 1.
  [[gnu::always_inline]] static constexpr TraceId from_state(std::uint64_t s) noexcept {
    return unchecked_from_state(s).made_valid();
  }
  // The same before that fix-up, which changes no low half: for a sampler, which decides
  // on it (a root's id is made valid only if it is kept).
  [[gnu::always_inline]] static constexpr TraceId unchecked_from_state(std::uint64_t s) noexcept {
    const unsigned __int128 product = detail::id_product(s);
    const auto high = static_cast<std::uint64_t>(product >> 64);
    return {high, high ^ static_cast<std::uint64_t>(product)};
  }
  constexpr TraceId made_valid() const noexcept { return {valid() ? high : 1, low}; }
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
