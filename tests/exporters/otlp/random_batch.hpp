// Random batches for checking an encoder against libprotobuf's (tests/exporters/otlp/
// wire_test.cc, json_test.cc): up to 40 spans recorded with the hot path's writers (as the
// golden trace's are), with every tag type, arrays empty and full, uint64 above INT64_MAX,
// doubles of any bit pattern and the infinities, text with multi-byte characters, control
// characters and invalid UTF-8 (now and then long enough to need long lengths and cuts),
// logs, errors, references, span kinds, remote parents and several services.
//
//   const zspan::testing::RandomBatch random(seed);   // the same seed, the same batch
//   encode(random.batch());                           // valid as long as `random` is
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/golden/golden_trace.hpp"

namespace zspan::testing {
namespace random_tags {
inline constexpr TagKey<"r.bool", bool> r_bool;
inline constexpr TagKey<"r.int", std::int64_t> r_int;
inline constexpr TagKey<"r.uint", std::uint64_t> r_uint;
inline constexpr TagKey<"r.double", double> r_double;
inline constexpr TagKey<"r.string", std::string_view> r_string;
inline constexpr TagKey<"", std::string_view> r_empty_key;
inline constexpr TagKey<"r.bools", std::span<const bool>> r_bools;
inline constexpr TagKey<"r.ints", std::span<const std::int64_t>> r_ints;
inline constexpr TagKey<"r.uints", std::span<const std::uint64_t>> r_uints;
inline constexpr TagKey<"r.doubles", std::span<const double>> r_doubles;
inline constexpr TagKey<"r.strings", std::span<const std::string_view>> r_strings;
inline constexpr TagKey<"r.log", std::string_view> r_log;
}  // namespace random_tags

class RandomBatch {
 public:
  // Whether tags may hold NaN (MessageDifferencer finds no NaN equal to itself).
  enum class NaN { kNever, kSometimes };

  explicit RandomBatch(std::uint32_t seed, NaN nan = NaN::kNever) : rng_(seed), nan_(nan) {
    const std::size_t n = 1 + pick(40);
    for (std::size_t i = 0; i < n; ++i) add();
    for (const RandomSpan& s : spans_) batched_.push_back({&s.node.record, s.service});
  }
  SpanBatch batch() const { return SpanBatch(batched_, clock_); }

 private:
  struct RandomSpan {
    Callsite site;
    zspan::detail::ContextNode node{};
    std::byte fields[4096]{};
    std::string_view service;
  };

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  std::uint64_t u64() { return std::uniform_int_distribution<std::uint64_t>()(rng_); }
  bool coin() { return pick(2) == 0; }

  // Text of random length: ASCII, multi-byte characters, control characters, or raw bytes
  // (invalid UTF-8 among them); now and then long (a long length, a cut at the limit).
  std::string_view text() {
    static constexpr std::array<std::string_view, 8> kPieces = {"a", "zspan ", "é", "✓", "\n\t\"", "\xff", "\xe2\x9c", "🙂"};
    std::string& s = strings_.emplace_back();
    const std::size_t pieces = pick(10) == 0 ? 100 + pick(200) : pick(8);
    for (std::size_t i = 0; i < pieces; ++i) s += kPieces[pick(kPieces.size())];
    return s;
  }

  template <class T, class Make>
  std::span<const T> array(Make make) {
    const std::size_t n = pick(5);
    std::shared_ptr<T[]> values(new T[n]);
    for (std::size_t i = 0; i < n; ++i) values[i] = make();
    arrays_.push_back(values);
    return {values.get(), n};
  }
  // A double of any bit pattern, now and then one of the values a text form spells
  // specially; NaN only when asked.
  double any_double() {
    static constexpr double kInfinity = std::numeric_limits<double>::infinity();
    static constexpr std::array<double, 7> kSpecial = {kInfinity, -kInfinity, -0.0, 2.0, 1e300, 5e-324, -1.5e-7};
    if (pick(4) == 0) {
      const std::size_t i = pick(kSpecial.size() + 1);
      if (i < kSpecial.size()) return kSpecial[i];
      if (nan_ == NaN::kSometimes) return std::numeric_limits<double>::quiet_NaN();
    }
    const double v = std::bit_cast<double>(u64());
    return std::isnan(v) && nan_ == NaN::kNever ? -0.0 : v;
  }

  void add() {
    using namespace random_tags;
    static constexpr std::array<std::string_view, 3> kServices = {"frontend", "backend", "naïve"};
    static constexpr std::array<std::string_view, 5> kKinds = {"server", "client", "producer", "consumer", "internal"};
    RandomSpan& s = spans_.emplace_back();
    s.site = {text(), "random", "random_batch.hpp", 1, Level::kInfo};
    s.service = kServices[pick(kServices.size())];
    zspan::detail::ContextNode& node = s.node;
    node.owner = &node;
    node.entries_capacity = sizeof(s.fields);
    node.record.size_bytes = sizeof(zspan::detail::SpanRecord);
    node.record.flags = static_cast<std::uint8_t>((coin() ? zspan::detail::SpanRecord::kSampled : 0) |
                                                  (coin() ? zspan::detail::SpanRecord::kFollowsFrom : 0) |
                                                  (coin() ? zspan::detail::SpanRecord::kRemoteParent : 0));
    node.record.callsite = &s.site;
    node.record.trace_id = TraceId{u64(), u64() | 1};
    node.record.span_id = SpanId{u64() | 1};
    node.record.parent_id = coin() ? SpanId{u64() | 1} : SpanId{};
    node.record.start_ticks = coin() ? 0 : u64() >> 4;
    node.record.end_ticks = node.record.start_ticks + pick(1'000'000'000);
    node.record.dropped_fields = static_cast<std::uint8_t>(coin() ? 0 : pick(256));

    const std::size_t fields = pick(16);
    for (std::size_t f = 0; f < fields; ++f) {
      switch (pick(15)) {
        case 0: zspan::detail::set_tag(node, r_bool = coin()); break;
        case 1: zspan::detail::set_tag(node, r_int = static_cast<std::int64_t>(u64())); break;
        case 2: zspan::detail::set_tag(node, r_uint = coin() ? u64() : pick(100)); break;
        case 3: zspan::detail::set_tag(node, r_double = any_double()); break;
        case 4: zspan::detail::set_tag(node, r_string = text()); break;
        case 5: zspan::detail::set_tag(node, r_empty_key = text()); break;
        case 6: zspan::detail::set_tag(node, r_bools = array<bool>([&] { return coin(); })); break;
        case 7: zspan::detail::set_tag(node, r_ints = array<std::int64_t>([&] { return static_cast<std::int64_t>(u64()); })); break;
        case 8: zspan::detail::set_tag(node, r_uints = array<std::uint64_t>([&] { return coin() ? u64() : pick(9); })); break;
        case 9: zspan::detail::set_tag(node, r_doubles = array<double>([&] { return any_double(); })); break;
        case 10: {
          auto& strings = string_arrays_.emplace_back();
          for (std::size_t i = pick(4); i > 0; --i) strings.push_back(text());
          zspan::detail::set_tag(node, r_strings = std::span<const std::string_view>(strings));
          break;
        }
        case 11: zspan::detail::set_tag(node, tags::span_kind = kKinds[pick(kKinds.size())]); break;
        case 12: log_fields(node, r_log = text(), r_int = 7); break;
        case 13: log_error(node, "failed: {}", text()); break;
        case 14:
          zspan::detail::add_reference(node, coin() ? Reference::kFollowsFrom : Reference::kChildOf,
                        SpanContext{TraceId{u64(), u64() | 1}, SpanId{u64() | 1}, {}, true, {}, {}});
          break;
      }
    }
  }

  std::mt19937_64 rng_;
  NaN nan_;
  ClockAnchor clock_ = ClockAnchor::fixed(0, GoldenTrace::kStartUnixNanos, 1.0);
  std::deque<RandomSpan> spans_;
  std::deque<std::string> strings_;
  std::vector<std::shared_ptr<const void>> arrays_;
  std::deque<std::vector<std::string_view>> string_arrays_;
  std::vector<BatchedSpan> batched_;
};

}  // namespace zspan::testing
