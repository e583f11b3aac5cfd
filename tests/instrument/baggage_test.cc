#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "zspan/exporters/memory/memory_exporter.hpp"
#include "zspan/instrument/zspan.hpp"
#include "zspan/trace/captured_context.hpp"

namespace {

using zspan::BaggageResult;
using Tracer = zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter>;

constexpr zspan::Callsite kChild{"child", "test", __FILE__, __LINE__, zspan::Level::kInfo};

std::optional<std::string> get(std::string_view key) {
  auto value = zspan::baggage_get(key);
  return value ? std::optional<std::string>(*value) : std::nullopt;
}

TEST(Baggage, DescendantsSeeItAcrossLevelsAndTracers) {
  Tracer frontend{"frontend"};
  Tracer backend{"backend"};
  TRACE_SCOPE_WITH(frontend, "request");
  EXPECT_EQ(TRACE_BAGGAGE_SET("tenant", "acme"), BaggageResult::kOk);
  {
    TRACE_SCOPE("parse");
    EXPECT_EQ(TRACE_BAGGAGE_SET("user", "42"), BaggageResult::kOk);
    {
      TRACE_SCOPE_WITH(backend, "query");
      TRACE_SCOPE("fetch");
      EXPECT_EQ(get("tenant"), "acme");
      EXPECT_EQ(get("user"), "42");
    }
  }
  EXPECT_EQ(get("tenant"), "acme");
  EXPECT_EQ(get("user"), std::nullopt);  // set on a child, gone with it
}

TEST(Baggage, SiblingsDoNotSeeEachOthers) {
  Tracer tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "parent");
  {
    TRACE_SCOPE("first");
    EXPECT_EQ(TRACE_BAGGAGE_SET("route", "a"), BaggageResult::kOk);
    EXPECT_EQ(get("route"), "a");
  }
  {
    TRACE_SCOPE("second");
    EXPECT_EQ(get("route"), std::nullopt);
  }
}

TEST(Baggage, AChildStartedEarlierKeepsWhatItStartedWith) {
  Tracer tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "parent");
  EXPECT_EQ(TRACE_BAGGAGE_SET("version", "1"), BaggageResult::kOk);
  zspan::Span child = zspan::Span::start(tracer, kChild);
  EXPECT_EQ(TRACE_BAGGAGE_SET("version", "2"), BaggageResult::kOk);
  EXPECT_EQ(TRACE_BAGGAGE_SET("late", "yes"), BaggageResult::kOk);
  {
    zspan::ActiveScope scope = child.make_current();
    EXPECT_EQ(get("version"), "1");
    EXPECT_EQ(get("late"), std::nullopt);
  }
  EXPECT_EQ(get("version"), "2");
}

TEST(Baggage, GuardsSetIt) {
  Tracer tracer{"svc"};
  zspan::Span span = zspan::Span::start(tracer, kChild);
  EXPECT_EQ(span.set_baggage("request.id", "r-1"), BaggageResult::kOk);
  {
    zspan::ActiveScope scope = span.make_current();
    TRACE_SCOPE("under");
    EXPECT_EQ(get("request.id"), "r-1");
  }
  span.end();
  EXPECT_EQ(span.set_baggage("too", "late"), BaggageResult::kNoSpan);
  zspan::ScopedSpan scoped{tracer, kChild};
  EXPECT_EQ(scoped.set_baggage("tenant", "acme"), BaggageResult::kOk);
  EXPECT_EQ(get("tenant"), "acme");
}

TEST(Baggage, TravelsThroughSpansThatAreNotSampled) {
  zspan::Tracer<zspan::AlwaysOffSampler, zspan::MemoryExporter> tracer{"off"};
  TRACE_SCOPE_WITH(tracer, "root");
  EXPECT_EQ(TRACE_BAGGAGE_SET("tenant", "acme"), BaggageResult::kOk);
  TRACE_SCOPE("child");
  EXPECT_EQ(get("tenant"), "acme");
}

TEST(Baggage, IsNotExportedAsSpanData) {
  Tracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "work");
    EXPECT_EQ(TRACE_BAGGAGE_SET("secret", "shh"), BaggageResult::kOk);
  }
  ASSERT_TRUE(zspan::flush());
  auto spans = tracer.exporter().spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_TRUE(spans[0].tags.empty());
  EXPECT_TRUE(spans[0].logs.empty());
}

TEST(Baggage, KeysFollowW3cTokenRules) {
  EXPECT_TRUE(zspan::Baggage::valid_key("user_id"));
  EXPECT_TRUE(zspan::Baggage::valid_key("a!#$%&'*+-.^_`|~9"));
  EXPECT_FALSE(zspan::Baggage::valid_key(""));
  EXPECT_FALSE(zspan::Baggage::valid_key("has space"));
  EXPECT_FALSE(zspan::Baggage::valid_key("a,b"));
  EXPECT_FALSE(zspan::Baggage::valid_key("a=b"));
  EXPECT_FALSE(zspan::Baggage::valid_key("caf\xc3\xa9"));
}

TEST(Baggage, LimitsRefuseAndCount) {
  Tracer tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "work");
  const zspan::BaggageStats before = zspan::baggage_stats();

  EXPECT_EQ(TRACE_BAGGAGE_SET("bad key", "v"), BaggageResult::kInvalidKey);
  EXPECT_EQ(TRACE_BAGGAGE_SET("big", std::string(zspan::kBaggageMaxEntryBytes, 'v')), BaggageResult::kEntryTooLong);
  // Percent-encoding counts: 1500 spaces are 4500 bytes on the wire, and so are 1500 "%"
  // (sent as %25, or they would read as escapes).
  EXPECT_EQ(TRACE_BAGGAGE_SET("spaces", std::string(1500, ' ')), BaggageResult::kEntryTooLong);
  EXPECT_EQ(TRACE_BAGGAGE_SET("percents", std::string(1500, '%')), BaggageResult::kEntryTooLong);

  const std::string chunk(4000, 'c');
  {
    TRACE_SCOPE("total");
    EXPECT_EQ(TRACE_BAGGAGE_SET("c1", chunk), BaggageResult::kOk);
    EXPECT_EQ(TRACE_BAGGAGE_SET("c2", chunk), BaggageResult::kOk);
    EXPECT_EQ(TRACE_BAGGAGE_SET("c3", chunk), BaggageResult::kTotalTooLarge);
    EXPECT_EQ(TRACE_BAGGAGE_SET("c2", "small"), BaggageResult::kOk);  // replacing frees room
    EXPECT_EQ(TRACE_BAGGAGE_SET("c3", chunk), BaggageResult::kOk);
    EXPECT_LE(zspan::current_context().baggage->header_bytes(), zspan::kBaggageMaxBytes);
    EXPECT_EQ(get("c1"), chunk);
  }
  {
    TRACE_SCOPE("count");
    for (std::size_t i = 0; i < zspan::kBaggageMaxEntries; ++i)
      EXPECT_EQ(TRACE_BAGGAGE_SET("k" + std::to_string(i), "v"), BaggageResult::kOk) << i;
    EXPECT_EQ(TRACE_BAGGAGE_SET("one.too.many", "v"), BaggageResult::kTooManyEntries);
    EXPECT_EQ(TRACE_BAGGAGE_SET("k3", "replaced"), BaggageResult::kOk);  // replacing adds no entry
    EXPECT_EQ(get("k3"), "replaced");
    EXPECT_EQ(zspan::current_context().baggage->entries().size(), zspan::kBaggageMaxEntries);
  }

  const zspan::BaggageStats after = zspan::baggage_stats();
  EXPECT_EQ(after.invalid_key - before.invalid_key, 1u);
  EXPECT_EQ(after.entry_too_long - before.entry_too_long, 3u);
  EXPECT_EQ(after.total_too_large - before.total_too_large, 1u);
  EXPECT_EQ(after.too_many_entries - before.too_many_entries, 1u);
}

TEST(Baggage, WithoutASpanThereIsNothingToSetOrGet) {
  EXPECT_EQ(TRACE_BAGGAGE_SET("tenant", "acme"), BaggageResult::kNoSpan);
  EXPECT_EQ(zspan::baggage_get("tenant"), std::nullopt);
  EXPECT_EQ(zspan::to_string(BaggageResult::kTotalTooLarge), "total too large");
}

TEST(Baggage, ASpanWithoutBaggageCarriesANullRef) {
  Tracer tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "plain");
  EXPECT_FALSE(zspan::current_context().baggage);
}

}  // namespace

// Sampled-out spans copy nothing from their parent (trace/context.hpp, "Lazy contexts"):
// their ids, minted when first read, and their baggage must still behave as a copy's.
TEST(LazyContext, SampledOutSpansShareTheRootsMintedIds) {
  zspan::Tracer<zspan::AlwaysOffSampler, zspan::MemoryExporter> off{"off"};
  TRACE_SCOPE_WITH(off, "root");
  const zspan::SpanContext root = zspan::current_context();
  EXPECT_TRUE(root.valid());
  EXPECT_FALSE(root.sampled());
  TRACE_SCOPE("child");
  const zspan::SpanContext child = zspan::current_context();
  EXPECT_EQ(child.trace_id, root.trace_id);
  EXPECT_EQ(child.span_id, root.span_id);
  EXPECT_EQ(zspan::capture_context().context().trace_id, root.trace_id);
}

TEST(LazyContext, BaggageOfASampledOutChildStaysWithItsDescendants) {
  zspan::Tracer<zspan::AlwaysOffSampler, zspan::MemoryExporter> off{"off"};
  TRACE_SCOPE_WITH(off, "root");
  {
    TRACE_SCOPE("child");
    EXPECT_EQ(TRACE_BAGGAGE_SET("tenant", "acme"), BaggageResult::kOk);
    TRACE_SCOPE("grandchild");
    EXPECT_EQ(zspan::baggage_get("tenant"), std::optional<std::string_view>("acme"));
    EXPECT_EQ(zspan::current_context().trace_id, zspan::current_node()->prev->prev->context().trace_id);
  }
  EXPECT_EQ(zspan::baggage_get("tenant"), std::nullopt);
}

TEST(LazyContext, ASampledOutChildKeepsItsContextWhenItsParentEndsFirst) {
  zspan::Tracer<zspan::AlwaysOffSampler, zspan::MemoryExporter> off{"off"};
  auto parent = std::make_optional<zspan::ScopedSpan>(off, kChild);
  const zspan::SpanContext before = parent->context();
  TRACE_SCOPE("child");
  parent.reset();  // ends out of order
  EXPECT_EQ(zspan::current_context().trace_id, before.trace_id);
  EXPECT_EQ(zspan::current_context().span_id, before.span_id);
}
