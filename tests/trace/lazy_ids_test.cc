// Ids are drawn where they are first needed (trace/context.hpp, "Lazy contexts"): a
// recording span starts without a span id, a root without a trace id unless its sampler
// reads it. Whatever path mints them (a child, a context read, the collector), every
// exported span has its ids, and its parent's, as if they had been drawn at its start.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "zspan/instrument/remote.hpp"
#include "zspan/instrument/zspan.hpp"
#include "zspan/trace/captured_context.hpp"
#include "tests/support/memory_tracer.hpp"
#include "tests/support/span_lookup.hpp"

namespace {

using zspan::testing::flushed;
using zspan::testing::MemoryTracer;
using zspan::testing::span_named;

TEST(LazyIds, SpansNobodyAskedAreExportedWithIdsOfTheirOwn) {
  MemoryTracer tracer{"svc"};
  for (int i = 0; i < 100; ++i) {
    TRACE_SCOPE_WITH(tracer, "leaf");
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 100u);
  std::set<zspan::TraceId> traces;
  std::set<zspan::SpanId> ids;
  for (const auto& s : spans) {
    EXPECT_TRUE(s.trace_id.valid());
    EXPECT_TRUE(s.span_id.valid());
    EXPECT_FALSE(s.parent_id.valid());
    traces.insert(s.trace_id);
    ids.insert(s.span_id);
  }
  EXPECT_EQ(traces.size(), 100u) << "each root is a trace of its own";
  EXPECT_EQ(ids.size(), 100u);
}

TEST(LazyIds, AContextReadWhileTheSpanRunsIsTheOneExported) {
  MemoryTracer tracer{"svc"};
  zspan::SpanContext seen;
  {
    TRACE_SCOPE_WITH(tracer, "root");
    seen = zspan::current_context();
    EXPECT_TRUE(seen.valid());
    EXPECT_TRUE(seen.sampled());
    EXPECT_TRUE(seen.flags.random()) << "W3C Level 2: zspan drew the trace id";
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].trace_id, seen.trace_id);
  EXPECT_EQ(spans[0].span_id, seen.span_id);
}

TEST(LazyIds, ChildrenCarryTheIdsTheirParentMintedForThem) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "root");
    { TRACE_SCOPE("first"); }
    { TRACE_SCOPE("second"); }
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 3u);
  const auto& root = span_named(spans, "root");
  for (const char* name : {"first", "second"}) {
    const auto& child = span_named(spans, name);
    EXPECT_EQ(child.trace_id, root.trace_id) << name;
    EXPECT_EQ(child.parent_id, root.span_id) << name;
    EXPECT_NE(child.span_id, root.span_id) << name;
  }
  EXPECT_NE(span_named(spans, "first").span_id, span_named(spans, "second").span_id);
}

// The first child of a recording span starts out of line and mints its ids; the others
// start inline, as do the children of a movable Span made current (it has its ids).
TEST(LazyIds, ChildrenStartInlineOnceTheirParentHasItsIds) {
  using ChildStart = zspan::detail::ContextNode::ChildStart;
  MemoryTracer tracer{"svc"};
  static constexpr zspan::Callsite kJob{"job", __func__, __FILE__, __LINE__, zspan::Level::kInfo};
  {
    TRACE_SCOPE_WITH(tracer, "root");
    EXPECT_EQ(zspan::current_node()->child_start(), ChildStart::kOutOfLine);
    { TRACE_SCOPE("first"); }
    EXPECT_EQ(zspan::current_node()->child_start(), ChildStart::kRecording);
    zspan::Span job = zspan::Span::start(tracer, kJob);
    zspan::ActiveScope scope = job.make_current();
    EXPECT_EQ(zspan::current_node()->child_start(), ChildStart::kRecording);
    { TRACE_SCOPE("step"); }
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 4u);
  EXPECT_EQ(span_named(spans, "step").parent_id, span_named(spans, "job").span_id);
}

// A span that shares trace state or baggage starts its children out of line: they must
// mint its ids just the same.
TEST(LazyIds, ChildrenOfASpanWithBaggageCarryItsIds) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "root");
    ASSERT_EQ(TRACE_BAGGAGE_SET("tenant", "acme"), zspan::BaggageResult::kOk);
    { TRACE_SCOPE("child"); }
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 2u);
  const auto& root = span_named(spans, "root");
  const auto& child = span_named(spans, "child");
  EXPECT_TRUE(root.span_id.valid());
  EXPECT_EQ(child.parent_id, root.span_id);
  EXPECT_EQ(child.trace_id, root.trace_id);
}

TEST(LazyIds, GrandchildrenOfARemoteParentCarryTheirParentsIds) {
  MemoryTracer tracer{"svc"};
  zspan::SpanContext remote;
  remote.trace_id = {0x4bf92f3577b34da6, 0xa3ce929d0e0e4736};
  remote.span_id = {0x00f067aa0ba902b7};
  remote.flags = zspan::TraceFlags{}.with_sampled(true);
  remote.remote = true;
  {
    zspan::RemoteParentScope caller(remote);
    TRACE_SCOPE_WITH(tracer, "server");
    { TRACE_SCOPE("step"); }
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 2u);
  const auto& server = span_named(spans, "server");
  const auto& step = span_named(spans, "step");
  EXPECT_EQ(server.trace_id, remote.trace_id);
  EXPECT_EQ(server.parent_id, remote.span_id);
  EXPECT_TRUE(server.span_id.valid());
  EXPECT_EQ(step.parent_id, server.span_id);
  EXPECT_EQ(step.trace_id, remote.trace_id);
}

TEST(LazyIds, SpansStartedFromACapturedContextOrAMovableSpanCarryItsIds) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "root");
    std::thread([context = zspan::capture_context()] {
      zspan::ContextScope scope(context);
      TRACE_SCOPE("on another thread");
    }).join();
    static constexpr zspan::Callsite kRequest{"request", __func__, __FILE__, __LINE__, zspan::Level::kInfo};
    zspan::Span request = zspan::Span::start(tracer, kRequest);
    {
      zspan::ActiveScope current = request.make_current();
      TRACE_SCOPE("under the request");
    }
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 4u);
  const auto& root = span_named(spans, "root");
  EXPECT_EQ(span_named(spans, "on another thread").parent_id, root.span_id);
  EXPECT_EQ(span_named(spans, "request").parent_id, root.span_id);
  EXPECT_EQ(span_named(spans, "under the request").parent_id, span_named(spans, "request").span_id);
  for (const auto& s : spans) EXPECT_EQ(s.trace_id, root.trace_id) << s.name;
}

// A sampler that reads the trace id is given the one the trace keeps.
struct RememberingSampler {
  static inline zspan::TraceId last;
  bool should_sample(const zspan::SamplingInput& in) noexcept {
    last = in.trace_id;
    return true;
  }
};

TEST(LazyIds, ASamplerThatReadsTheTraceIdDecidesOnTheOneExported) {
  static_assert(zspan::kReadsRootTraceId<RememberingSampler>, "any sampler not known otherwise is given the trace id");
  static_assert(!zspan::kReadsRootTraceId<zspan::ParentBased<zspan::AlwaysOnSampler>>);
  static_assert(zspan::kReadsRootTraceId<zspan::ParentBased<zspan::TraceIdRatioSampler>>);
  zspan::testing::MemoryTracerWith<RememberingSampler> tracer{"svc"};
  { TRACE_SCOPE_WITH(tracer, "root"); }
  const zspan::TraceId decided_on = RememberingSampler::last;
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_TRUE(decided_on.valid());
  EXPECT_EQ(spans[0].trace_id, decided_on);
}

}  // namespace
