// Span names known only at run time: TRACE_SCOPE_NAMED, span.rename, TRACE_RENAME.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "zspan/exporters/memory/memory_exporter.hpp"
#include "zspan/instrument/zspan.hpp"

namespace {

using MemoryTracer = zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter>;
using SilentTracer = zspan::Tracer<zspan::AlwaysOffSampler, zspan::MemoryExporter>;

std::vector<zspan::SpanData> flushed(MemoryTracer& tracer) {
  EXPECT_TRUE(zspan::flush());
  return tracer.exporter().spans();
}

std::string method_of(int i) { return i == 0 ? "GetUser" : "ListUsers"; }

TEST(SpanName, AScopeNamedAtRunTimeCarriesThatName) {
  MemoryTracer tracer{"svc"};
  for (int i = 0; i < 2; ++i) {
    const std::string method = method_of(i);
    TRACE_SCOPE_NAMED_WITH(tracer, method);
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].name, "GetUser");
  EXPECT_EQ(spans[1].name, "ListUsers");
  // One callsite for both, named after the function: what samplers see.
  EXPECT_EQ(spans[0].callsite, spans[1].callsite);
  EXPECT_EQ(spans[0].callsite->name, "TestBody");
  EXPECT_EQ(spans[0].dropped_fields, 0u);
}

TEST(SpanName, ANamedScopeTakesTagsAndIsTheCurrentSpan) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "root");
    const std::string verb = "SELECT";
    TRACE_SCOPE_NAMED(verb, zspan::tags::db_type = "postgresql");
    TRACE_TAG(zspan::tags::db_statement, "SELECT 1");
    TRACE_SCOPE("child");
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 3u);
  const zspan::SpanData& child = spans[0];
  const zspan::SpanData& named = spans[1];
  EXPECT_EQ(named.name, "SELECT");
  EXPECT_EQ(child.parent_id, named.span_id);
  EXPECT_EQ(named.parent_id, spans[2].span_id);
  ASSERT_EQ(named.tags.size(), 2u);  // the name is no tag
  EXPECT_EQ(named.tags[0].key, "db.type");
  EXPECT_EQ(named.tags[1].key, "db.statement");
}

TEST(SpanName, RenamingAfterTheStartKeepsTheLastName) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "request");
    TRACE_RENAME("GET");
    TRACE_TAG(zspan::tags::http_status_code, 200);
    TRACE_RENAME(std::string("GET /users/:id"));
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, "GET /users/:id");
  EXPECT_EQ(spans[0].callsite->name, "request");
  ASSERT_EQ(spans[0].tags.size(), 1u);
}

TEST(SpanName, BothHandlesRename) {
  MemoryTracer tracer{"svc"};
  static constexpr zspan::Callsite kJob{"job", __func__, __FILE__, __LINE__, zspan::Level::kInfo};
  {
    zspan::ScopedSpan scoped{tracer, kJob};
    scoped.rename("scoped job");
  }
  zspan::Span span = zspan::Span::start(tracer, kJob);
  span.rename("movable job");
  span.end();
  span.rename("after the end");  // ignored
  zspan::Span().rename("no span");
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].name, "scoped job");
  EXPECT_EQ(spans[1].name, "movable job");
}

TEST(SpanName, ALongNameIsCutAtACharacterBoundaryAndCounted) {
  MemoryTracer tracer{"svc"};
  // 127 ASCII bytes, then "é" (2 bytes) across the 128-byte limit.
  const std::string name = std::string(127, 'a') + "\xC3\xA9" + "tail";
  const std::uint64_t before = zspan::stats().names_truncated;
  { TRACE_SCOPE_NAMED_WITH(tracer, name); }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, std::string(127, 'a'));
  EXPECT_EQ(zspan::stats().names_truncated, before + 1);
  EXPECT_EQ(zspan::run_time_name(std::string(128, 'b')).text.size(), 128u);  // a name that fits is kept whole
}

TEST(SpanName, AnEmptyNameLeavesTheCallsitesName) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "static");
    TRACE_RENAME("");
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, "static");
  EXPECT_EQ(spans[0].dropped_fields, 0u);
}

TEST(SpanName, ANameThatDoesNotFitIsDroppedAndCounted) {
  MemoryTracer tracer{"svc"};
  static constexpr zspan::Callsite kSmall{"small", __func__, __FILE__, __LINE__, zspan::Level::kInfo};
  {
    zspan::BasicScopedSpan<32> span{tracer, kSmall};  // two entries: a name of <= 16 bytes
    span.rename("fits in sixteen.");
    span.rename("a name of more than sixteen bytes");
  }
  const auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].name, "fits in sixteen.");
  EXPECT_EQ(spans[0].dropped_fields, 1u);
}

TEST(SpanName, TheNameIsEvaluatedOnlyWhenTheSpanRecords) {
  SilentTracer tracer{"svc"};
  int evaluated = 0;
  const auto name = [&] {
    ++evaluated;
    return std::string_view("never");
  };
  {
    TRACE_SCOPE_NAMED_WITH(tracer, name());
    TRACE_RENAME(name());
  }
  EXPECT_EQ(evaluated, 0);
}

}  // namespace
