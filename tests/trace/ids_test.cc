// Ids: W3C-valid, unique, and round-trip through hex.
#include "zspan/trace/ids.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace zspan {
namespace {

TEST(Ids, GeneratedIdsAreNeverZero) {
  for (int i = 0; i < 10000; ++i) {
    EXPECT_TRUE(SpanId::generate().valid());
    EXPECT_TRUE(TraceId::generate().valid());
  }
}

// The two generator steps whose product is zero (the state, or the state xor wyrand's
// constant) would give an all-zero trace id: it gets a high half of 1, and keeps the low
// half a ratio sampler decided on (TraceId::unchecked_from_state).
TEST(Ids, StepsThatWouldGiveAnAllZeroTraceIdGiveAValidOne) {
  for (const std::uint64_t step : {std::uint64_t{0}, std::uint64_t{0xe7037ed1a0b428dbULL}}) {
    EXPECT_FALSE(TraceId::unchecked_from_state(step).valid());
    const TraceId id = TraceId::from_state(step);
    EXPECT_TRUE(id.valid());
    EXPECT_EQ(id.high, 1u);
    EXPECT_EQ(id.low, TraceId::unchecked_from_state(step).low);
  }
  const TraceId ordinary = TraceId::from_state(12345);
  EXPECT_EQ(ordinary, TraceId::unchecked_from_state(12345)) << "a valid id is left as drawn";
}

TEST(Ids, AMillionSpanIdsAreUnique) {
  std::vector<std::uint64_t> ids(1'000'000);
  for (auto& id : ids) id = SpanId::generate().value;
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
}

TEST(Ids, ThreadsDrawDifferentIds) {
  constexpr int kPerThread = 200'000;
  std::vector<std::uint64_t> a(kPerThread), b(kPerThread);
  std::thread ta([&] { for (auto& id : a) id = SpanId::generate().value; });
  std::thread tb([&] { for (auto& id : b) id = SpanId::generate().value; });
  ta.join();
  tb.join();
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end());
}

// The collector mints a run of spans' ids from a local copy of its thread's generator:
// the same steps as the thread's own draws, handed back at the end, so that no id is
// drawn twice; a thread that never drew is seeded first.
TEST(Ids, ALocalStateTakesTheThreadsStepsAndHandsThemBack) {
  std::thread([] {
    std::uint64_t first;
    {
      detail::LocalIdState ids;
      first = ids.next();
      EXPECT_EQ(ids.next(), first + detail::kIdGamma);
    }
    EXPECT_EQ(detail::tls_state.id_state, first + detail::kIdGamma) << "handed back";
    EXPECT_EQ(SpanId::generate(), SpanId::from_state(first + 2 * detail::kIdGamma));
    EXPECT_EQ(TraceId::generate(), TraceId::from_state(first + 3 * detail::kIdGamma));
  }).join();
}

TEST(Ids, HexRoundTrip) {
  const TraceId trace{0x0af7651916cd43ddULL, 0x8448eb211c80319cULL};
  char hex[32];
  trace.to_hex(hex);
  EXPECT_EQ(std::string_view(hex, 32), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(TraceId::from_hex(std::string_view(hex, 32)), trace);

  const SpanId span{0xb7ad6b7169203331ULL};
  char span_hex[16];
  span.to_hex(span_hex);
  EXPECT_EQ(std::string_view(span_hex, 16), "b7ad6b7169203331");
  EXPECT_EQ(SpanId::from_hex("B7AD6B7169203331"), span);
}

TEST(Ids, HexRejectsWrongLengthAndNonHex) {
  EXPECT_FALSE(SpanId::from_hex("b7ad6b716920333"));
  EXPECT_FALSE(SpanId::from_hex("b7ad6b71692033310"));
  EXPECT_FALSE(SpanId::from_hex("b7ad6b716920333g"));
  EXPECT_FALSE(TraceId::from_hex("0af7651916cd43dd8448eb211c80319"));
  EXPECT_FALSE(TraceId::from_hex("0af7651916cd43dd-448eb211c80319c"));
  ASSERT_TRUE(SpanId::from_hex("0000000000000000"));
  EXPECT_FALSE(SpanId::from_hex("0000000000000000")->valid());
}

}  // namespace
}  // namespace zspan
