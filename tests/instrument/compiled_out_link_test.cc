// Built with ZSPAN_DISABLED on //instrument:compiled_out alone, with no zspan library in
// its link: everything instrumented code calls (the macros, the guards, context capture
// and binding, coroutine tasks, baggage) must need none, or this test would not link. It
// calls each of them, and each does nothing.
#include <gtest/gtest.h>

#include "zspan/instrument/bind_context.hpp"
#include "zspan/instrument/coroutine.hpp"
#include "zspan/instrument/zspan.hpp"
#include "zspan/trace/captured_context.hpp"

static_assert(!zspan::kTracingEnabled, "this test must be built with ZSPAN_DISABLED");

namespace {

namespace tags = zspan::tags;

constexpr zspan::Callsite kCallsite{"work", "test", __FILE__, __LINE__, zspan::Level::kInfo};
constexpr zspan::BaggageKey<"retries", std::int64_t> retries;

TEST(CompiledOut, MacrosEvaluateNothing) {
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

TEST(CompiledOut, NoSpanIsEverCurrent) {
  zspan::ForceTracing force;
  zspan::ScopedSpan scope{zspan::detail::inherit_tracer, kCallsite};
  EXPECT_EQ(zspan::current_node(), nullptr);
  EXPECT_FALSE(zspan::current_context().valid());
}

// The members ScopedSpan and Span share.
template <class Guard>
void call_every_shared_member(Guard& span) {
  EXPECT_FALSE(span.context().valid());
  span.set_error();
  span.add_reference(zspan::Reference::kFollowsFrom, zspan::current_context());
  span.tag(tags::http_status_code, 200);
  span.log("retry {}", 2);
  span.log_error("gave up after {} tries", 3);
  span.log_fields(zspan::logs::event = "retry");
  EXPECT_EQ(span.set_baggage("tenant", "acme"), zspan::BaggageResult::kNoSpan);
  EXPECT_EQ(span.set_baggage(retries, 3), zspan::BaggageResult::kNoSpan);
  span.rename("GET /orders/:id");
}

TEST(CompiledOut, ScopedSpanRecordsNothing) {
  zspan::ScopedSpan span{zspan::detail::inherit_tracer, kCallsite, zspan::Reference::kFollowsFrom};
  EXPECT_FALSE(span.recording());
  call_every_shared_member(span);
}

TEST(CompiledOut, SpanIsNeverValid) {
  zspan::Span span = zspan::Span::start(zspan::detail::inherit_tracer, kCallsite);
  EXPECT_FALSE(span.valid());
  {
    zspan::ActiveScope scope = span.make_current();
    EXPECT_EQ(zspan::current_node(), nullptr);
  }
  call_every_shared_member(span);
  span.end();
  EXPECT_FALSE(span.valid());
}

TEST(CompiledOut, CapturedContextsAreEmpty) {
  const zspan::CapturedContext captured = zspan::capture_context();
  EXPECT_TRUE(captured.empty());
  EXPECT_FALSE(captured.context().valid());
  EXPECT_EQ(captured.node(), nullptr);
  zspan::ContextScope scope(captured);
  zspan::ContextSwap swap(captured.node());
  EXPECT_EQ(zspan::current_node(), nullptr);
}

TEST(CompiledOut, BoundCallablesRunAsThemselves) {
  auto bound = zspan::bind_context([](int x) { return x + 1; });
  EXPECT_TRUE(bound.context().empty());
  EXPECT_EQ(bound(41), 42);
}

zspan::Task<int> answer() { co_return 42; }

zspan::Task<void> store_answer(int& result) { result = co_await answer(); }

TEST(CompiledOut, TasksRunWithoutContext) {
  int result = 0;
  TRACE_DETACH("store", store_answer(result));
  EXPECT_EQ(result, 42);
}

}  // namespace
