// TRACE_SCOPE and friends: what a span records and how spans relate.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "zspan/instrument/zspan.hpp"
#include "tests/support/memory_tracer.hpp"
#include "tests/support/span_lookup.hpp"

namespace {

using zspan::testing::flushed;
using zspan::testing::MemoryTracer;
using zspan::testing::int_tag;
using zspan::testing::span_named;
using zspan::testing::string_tag;

TEST(Scope, NestedScopesFormOneTraceOfParentsAndChildren) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "root");
    {
      TRACE_SCOPE("child");
      { TRACE_SCOPE("grandchild"); }
      { TRACE_SCOPE("grandchild2"); }
    }
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 4u);
  const auto& root = span_named(spans, "root");
  const auto& child = span_named(spans, "child");
  const auto& grandchild = span_named(spans, "grandchild");
  const auto& grandchild2 = span_named(spans, "grandchild2");
  EXPECT_FALSE(root.parent_id.valid());
  EXPECT_EQ(child.parent_id, root.span_id);
  EXPECT_EQ(grandchild.parent_id, child.span_id);
  EXPECT_EQ(grandchild2.parent_id, child.span_id);
  for (const auto& s : spans) {
    EXPECT_EQ(s.trace_id, root.trace_id);
    EXPECT_EQ(s.service, "svc");
    EXPECT_EQ(s.parent_reference, zspan::Reference::kChildOf);
  }
  // Children end before their parents, and the exporter sees them in that order.
  EXPECT_EQ(spans.back().name, "root");
}

TEST(Scope, SpansOfOneTracerParentSpansOfAnother) {
  MemoryTracer frontend{"frontend"};
  MemoryTracer backend{"backend"};
  {
    TRACE_SCOPE_WITH(frontend, "GET /users");
    {
      TRACE_SCOPE_WITH(backend, "query users");
      TRACE_SCOPE("decode row");  // inherits the backend tracer from its parent
    }
  }
  ASSERT_TRUE(zspan::flush());
  const auto front = frontend.exporter().spans();
  const auto back = backend.exporter().spans();
  ASSERT_EQ(front.size(), 1u);
  ASSERT_EQ(back.size(), 2u);
  const auto& query = span_named(back, "query users");
  EXPECT_EQ(query.service, "backend");
  EXPECT_EQ(query.parent_id, front[0].span_id);
  EXPECT_EQ(query.trace_id, front[0].trace_id);
  EXPECT_EQ(span_named(back, "decode row").parent_id, query.span_id);
}

TEST(Scope, FollowsFromMarksWorkTheParentDoesNotWaitFor) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "produce");
    TRACE_SCOPE_FOLLOWS_FROM("enqueue");
  }
  const auto spans = flushed(tracer);
  const auto& enqueue = span_named(spans, "enqueue");
  EXPECT_EQ(enqueue.parent_reference, zspan::Reference::kFollowsFrom);
  EXPECT_EQ(enqueue.parent_id, span_named(spans, "produce").span_id);
}

TEST(Scope, ASpanCanCarrySeveralReferences) {
  MemoryTracer tracer{"svc"};
  zspan::SpanContext a, b;
  {
    TRACE_SCOPE_WITH(tracer, "a");
    a = zspan::current_context();
  }
  {
    TRACE_SCOPE_WITH(tracer, "b");
    b = zspan::current_context();
  }
  {
    static constexpr zspan::Callsite kMerge{"merge", __func__, __FILE__, __LINE__, zspan::Level::kInfo};
    zspan::ScopedSpan merge{tracer, kMerge};
    merge.add_reference(zspan::Reference::kFollowsFrom, a);
    merge.add_reference(zspan::Reference::kFollowsFrom, b);
  }
  const auto spans = flushed(tracer);
  const auto& merge = span_named(spans, "merge");
  ASSERT_EQ(merge.references.size(), 2u);
  EXPECT_EQ(merge.references[0].span_id, a.span_id);
  EXPECT_EQ(merge.references[0].trace_id, a.trace_id);
  EXPECT_EQ(merge.references[0].kind, zspan::Reference::kFollowsFrom);
  EXPECT_EQ(merge.references[1].span_id, b.span_id);
}

void instrumented_function() { TRACE_FUNCTION(); }

TEST(Scope, TraceFunctionIsNamedAfterTheFunction) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "caller");
    instrumented_function();
  }
  const auto spans = flushed(tracer);
  const auto& fn = span_named(spans, "instrumented_function");
  EXPECT_EQ(fn.parent_id, span_named(spans, "caller").span_id);
  EXPECT_STREQ(fn.callsite->file, __FILE__);
  EXPECT_EQ(fn.callsite->level, zspan::Level::kInfo);
}

TEST(Scope, TimesAreOrderedAndDurationsCoverTheWork) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "outer");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    {
      TRACE_SCOPE("inner");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  const auto spans = flushed(tracer);
  const auto& outer = span_named(spans, "outer");
  const auto& inner = span_named(spans, "inner");
  EXPECT_LE(outer.start_unix_nanos, inner.start_unix_nanos);
  EXPECT_LE(inner.end_unix_nanos, outer.end_unix_nanos);
  EXPECT_GE(inner.duration_nanos, 19'000'000u);
  EXPECT_GE(outer.duration_nanos, inner.duration_nanos + 4'000'000u);
  EXPECT_LT(outer.duration_nanos, 2'000'000'000u);
  const auto now = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                  std::chrono::system_clock::now().time_since_epoch())
                                                  .count());
  EXPECT_LE(outer.end_unix_nanos, now + 5'000'000u);
  EXPECT_GT(outer.start_unix_nanos, now - 60'000'000'000u);
}

TEST(Scope, WithoutATracerNothingIsRecordedButContextStillFlows) {
  MemoryTracer tracer{"svc"};
  ASSERT_EQ(zspan::default_tracer(), nullptr) << "tracing is off unless configured";
  {
    TRACE_SCOPE("root without tracer");
    const zspan::SpanContext ctx = zspan::current_context();
    EXPECT_TRUE(ctx.valid()) << "ids still exist, for propagation";
    EXPECT_FALSE(ctx.sampled());
    TRACE_SCOPE("child");
    EXPECT_EQ(zspan::current_context().trace_id, ctx.trace_id);
  }
  EXPECT_TRUE(flushed(tracer).empty());
}

TEST(Scope, TheDefaultTracerRecordsRootsStartedWithoutOne) {
  MemoryTracer tracer{"svc"};
  zspan::set_default_tracer(&tracer);
  { TRACE_SCOPE("root"); }
  zspan::set_default_tracer(nullptr);
  { TRACE_SCOPE("not recorded"); }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, "root");
}

TEST(Scope, SampledOutTracesRecordNothingAndKeepTheirIds) {
  zspan::Tracer<zspan::AlwaysOffSampler, zspan::MemoryExporter> tracer{"svc"};
  zspan::SpanContext root;
  {
    TRACE_SCOPE_WITH(tracer, "root");
    root = zspan::current_context();
    TRACE_SCOPE("child");
    const zspan::SpanContext child = zspan::current_context();
    EXPECT_EQ(child.trace_id, root.trace_id);
    EXPECT_TRUE(child.valid());
    EXPECT_FALSE(child.sampled());
  }
  EXPECT_TRUE(root.valid());
  ASSERT_TRUE(zspan::flush());
  EXPECT_EQ(tracer.exporter().size(), 0u);
}

TEST(Scope, TheDecisionIsTheRootsEvenUnderAnotherTracer) {
  zspan::Tracer<zspan::AlwaysOffSampler, zspan::MemoryExporter> off{"off"};
  MemoryTracer on{"on"};
  {
    TRACE_SCOPE_WITH(off, "root");
    TRACE_SCOPE_WITH(on, "child");
  }
  ASSERT_TRUE(zspan::flush());
  EXPECT_EQ(on.exporter().size(), 0u);
}

TEST(Scope, ContextIsRestoredWhenAScopeEnds) {
  MemoryTracer tracer{"svc"};
  EXPECT_EQ(zspan::current_node(), nullptr);
  {
    TRACE_SCOPE_WITH(tracer, "a");
    const auto a = zspan::current_context().span_id;
    { TRACE_SCOPE("b"); }
    EXPECT_EQ(zspan::current_context().span_id, a);
  }
  EXPECT_EQ(zspan::current_node(), nullptr);
}

TEST(Scope, GuardsEndedOutOfOrderLeaveTheRestOfTheChainIntact) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "root");
    const zspan::SpanId root = zspan::current_context().span_id;
    static constexpr zspan::Callsite kA{"a", __func__, __FILE__, __LINE__, zspan::Level::kInfo};
    static constexpr zspan::Callsite kB{"b", __func__, __FILE__, __LINE__, zspan::Level::kInfo};
    auto a = std::make_optional<zspan::ScopedSpan>(tracer, kA);
    const zspan::SpanId a_id = a->context().span_id;
    auto b = std::make_optional<zspan::ScopedSpan>(tracer, kB);
    const zspan::SpanId b_id = b->context().span_id;

    a.reset();  // ends while b, started under it, is still current
    EXPECT_EQ(zspan::current_context().span_id, b_id) << "the innermost span stays current";
    b.reset();
    EXPECT_EQ(zspan::current_context().span_id, root) << "a was unlinked: the chain skips it";
    EXPECT_GE(zspan::stats().out_of_order_ends, 1u);

    const auto spans = flushed(tracer);
    EXPECT_EQ(span_named(spans, "a").parent_id, root);
    EXPECT_EQ(span_named(spans, "b").parent_id, a_id) << "b keeps the parent it started under";
  }
  EXPECT_EQ(zspan::current_node(), nullptr);
}

TEST(Scope, ThreadsNeverSeeEachOthersSpans) {
  MemoryTracer tracer{"svc"};
  std::atomic<int> ready{0};
  struct Seen {
    zspan::SpanId root, child;
  };
  auto worker = [&](Seen* seen) {
    EXPECT_EQ(zspan::current_node(), nullptr);
    TRACE_SCOPE_WITH(tracer, "thread root");
    seen->root = zspan::current_context().span_id;
    ready.fetch_add(1);
    while (ready.load() < 2) std::this_thread::yield();  // both threads have a span open
    TRACE_SCOPE("thread child");
    seen->child = zspan::current_context().span_id;
  };
  Seen seen1, seen2;
  std::thread t1(worker, &seen1);
  std::thread t2(worker, &seen2);
  t1.join();
  t2.join();
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 4u);
  const auto with_id = [&](zspan::SpanId id) -> const zspan::SpanData& {
    auto it = std::find_if(spans.begin(), spans.end(), [&](const auto& s) { return s.span_id == id; });
    if (it == spans.end()) throw std::runtime_error("no span with the id seen");
    return *it;
  };
  EXPECT_NE(seen1.root, seen2.root);
  for (const Seen& seen : {seen1, seen2}) {
    EXPECT_EQ(with_id(seen.root).name, "thread root");
    EXPECT_EQ(with_id(seen.child).name, "thread child");
    EXPECT_EQ(with_id(seen.child).parent_id, seen.root) << "the child of its own thread's root";
  }
}

TEST(Scope, AMovableSpanCrossesScopesAndThreads) {
  MemoryTracer tracer{"svc"};
  static constexpr zspan::Callsite kJob{"job", __func__, __FILE__, __LINE__, zspan::Level::kInfo};
  zspan::SpanId root_id;
  zspan::Span job;
  {
    TRACE_SCOPE_WITH(tracer, "request");
    root_id = zspan::current_context().span_id;
    job = zspan::Span::start(tracer, kJob);
    EXPECT_EQ(zspan::current_context().span_id, root_id) << "starting a Span does not make it current";
  }
  std::thread worker([job = std::move(job)]() mutable {
    {
      zspan::ActiveScope scope = job.make_current();
      TRACE_SCOPE("step");
    }
    job.end();
  });
  worker.join();
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 3u);
  const auto& span = span_named(spans, "job");
  EXPECT_EQ(span.parent_id, root_id);
  EXPECT_EQ(span_named(spans, "step").parent_id, span.span_id);
}

TEST(Scope, EndingASpanTwiceRecordsItOnce) {
  MemoryTracer tracer{"svc"};
  static constexpr zspan::Callsite kJob{"job", __func__, __FILE__, __LINE__, zspan::Level::kInfo};
  zspan::Span span = zspan::Span::start(tracer, kJob);
  span.end();
  span.end();
  zspan::Span moved_from = zspan::Span::start(tracer, kJob);
  zspan::Span moved_to = std::move(moved_from);
  moved_from.end();  // NOLINT: a moved-from span does nothing
  moved_to.end();
  EXPECT_EQ(flushed(tracer).size(), 2u);
}

TEST(Scope, FieldsThatDoNotFitAreCountedOnTheSpan) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "many references");
    zspan::detail::ContextNode& node = const_cast<zspan::detail::ContextNode&>(*zspan::current_node());
    const zspan::SpanContext ctx = node.context();
    const int fits = zspan::kSpanFieldBytes / (2 * sizeof(zspan::detail::FieldEntry));
    for (int i = 0; i < fits + 3; ++i) zspan::detail::add_reference(node, zspan::Reference::kFollowsFrom, ctx);
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].references.size(), zspan::kSpanFieldBytes / (2 * sizeof(zspan::detail::FieldEntry)));
  EXPECT_EQ(spans[0].dropped_fields, 3u);
}

// A guard's end copies its header and its inline tags, a size known at compile time; a
// record that grew past them (a long string or a run-time key inline, a tag, a log or a
// name added later) ends out of line. Every way is exported whole, and so are the spans
// written after it into the same buffer.
TEST(Scope, RecordsThatGrowAfterTheirStartAreExportedWhole) {
  static constexpr zspan::TagKey<"test.count", std::int64_t> count;
  static constexpr zspan::TagKey<"test.text", std::string_view> text;
  MemoryTracer tracer{"svc"};
  const std::string long_text(100, 'x');
  const std::string key_name = "test.quota";
  const zspan::DynamicTagKey<std::int64_t> quota{key_name};
  {
    TRACE_SCOPE_WITH(tracer, "inline", count = 1, text = "GET");
  }
  {
    TRACE_SCOPE_WITH(tracer, "long inline string", count = 2, text = std::string_view{long_text});
  }
  {
    TRACE_SCOPE_WITH(tracer, "run-time key inline", quota = 3);
  }
  {
    TRACE_SCOPE_WITH(tracer, "tag added", count = 4);
    TRACE_TAG(text, "later");
  }
  {
    TRACE_SCOPE_WITH(tracer, "log added");
    TRACE_LOG("event {}", 5);
  }
  {
    TRACE_SCOPE_NAMED_WITH(tracer, std::string_view{long_text}.substr(0, 20), count = 6);
  }
  {
    TRACE_SCOPE_WITH(tracer, "bare");
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 7u);
  EXPECT_EQ(int_tag(span_named(spans, "inline"), "test.count"), 1);
  EXPECT_EQ(string_tag(span_named(spans, "inline"), "test.text"), "GET");
  EXPECT_EQ(int_tag(span_named(spans, "long inline string"), "test.count"), 2);
  EXPECT_EQ(string_tag(span_named(spans, "long inline string"), "test.text"), long_text);
  EXPECT_EQ(int_tag(span_named(spans, "run-time key inline"), "test.quota"), 3);
  EXPECT_EQ(int_tag(span_named(spans, "tag added"), "test.count"), 4);
  EXPECT_EQ(string_tag(span_named(spans, "tag added"), "test.text"), "later");
  ASSERT_EQ(span_named(spans, "log added").logs.size(), 1u);
  EXPECT_EQ(zspan::testing::field_value(span_named(spans, "log added").logs[0], "message"),
            zspan::SpanData::TagValue{std::string("event 5")});
  EXPECT_EQ(int_tag(span_named(spans, std::string(20, 'x')), "test.count"), 6);
  EXPECT_TRUE(span_named(spans, "bare").tags.empty());
  for (const auto& s : spans) EXPECT_EQ(s.dropped_fields, 0u) << s.name;
}

TEST(Scope, ErrorsAreMarked) {
  MemoryTracer tracer{"svc"};
  {
    static constexpr zspan::Callsite kFail{"fails", __func__, __FILE__, __LINE__, zspan::Level::kInfo};
    zspan::ScopedSpan span{tracer, kFail};
    span.set_error();
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_TRUE(spans[0].error);
}

}  // namespace
