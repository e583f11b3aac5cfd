// Built with ZSPAN_DISABLED on //instrument:compiled_out alone, with no zspan library in
// its link: every instrumentation macro, baggage_get and baggage_set must need none (it
// would not link otherwise).
#include <gtest/gtest.h>

#include "instrument/macros.hpp"

static_assert(!zspan::kTracingEnabled, "this test must be built with ZSPAN_DISABLED");

namespace {

namespace tags = zspan::tags;

constexpr zspan::BaggageKey<"retries", std::int64_t> retries;

TEST(CompiledOut, InstrumentedCodeLinksWithoutZspan) {
  int evaluations = 0;
  {
    TRACE_FUNCTION();
    TRACE_SCOPE("get", tags::http_method = "GET", tags::http_status_code = ++evaluations);
    TRACE_SCOPE_FOLLOWS_FROM("enqueue");
    TRACE_SCOPE_DEBUG("tokenize");
    TRACE_SCOPE_VERBOSE("byte");
    TRACE_TAG(tags::db_statement, "SELECT 1");
    TRACE_LOG("attempt {} of {}", ++evaluations, 3);
    TRACE_ERROR("failed after {} ms", ++evaluations);
    TRACE_LOG_FIELDS(zspan::logs::event = "retry", zspan::logs::error_kind = "Timeout");
    EXPECT_EQ(TRACE_BAGGAGE_SET("tenant", "acme"), zspan::BaggageResult::kNoSpan);
    EXPECT_EQ(zspan::baggage_get("tenant"), std::nullopt);
    EXPECT_EQ(TRACE_BAGGAGE_SET(retries, ++evaluations), zspan::BaggageResult::kNoSpan);
    EXPECT_EQ(zspan::baggage_set(retries, 3), zspan::BaggageResult::kNoSpan);
    EXPECT_EQ(zspan::baggage_set("tenant", "acme"), zspan::BaggageResult::kNoSpan);
    EXPECT_EQ(zspan::baggage_get(retries), std::nullopt);
  }
  EXPECT_EQ(evaluations, 0);
}

}  // namespace
