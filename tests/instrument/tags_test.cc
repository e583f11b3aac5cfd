#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "zspan/exporters/memory/memory_exporter.hpp"
#include "zspan/instrument/schema.hpp"
#include "zspan/instrument/zspan.hpp"
#include "tests/support/memory_tracer.hpp"
#include "tests/support/span_lookup.hpp"

namespace {

namespace tags = zspan::tags;
using Value = zspan::SpanData::TagValue;
using zspan::testing::flushed;
using zspan::testing::MemoryTracer;
using zspan::testing::tag_value;

inline constexpr zspan::TagKey<"test.flag", bool> flag;
inline constexpr zspan::TagKey<"test.count", std::int64_t> count;
inline constexpr zspan::TagKey<"test.bytes", std::uint64_t> bytes;
inline constexpr zspan::TagKey<"test.ratio", double> ratio;
inline constexpr zspan::TagKey<"test.text", std::string_view> text;
inline constexpr zspan::TagKey<"test.flags", std::span<const bool>> flags;
inline constexpr zspan::TagKey<"test.counts", std::span<const std::int64_t>> counts;
inline constexpr zspan::TagKey<"test.sizes", std::span<const std::uint64_t>> sizes;
inline constexpr zspan::TagKey<"test.ratios", std::span<const double>> ratios;
inline constexpr zspan::TagKey<"test.words", std::span<const std::string_view>> words;

constexpr zspan::Callsite kWork{"work", "test", __FILE__, __LINE__, zspan::Level::kInfo};
constexpr zspan::Callsite kMoved{"moved", "test", __FILE__, __LINE__, zspan::Level::kInfo};

TEST(Tags, EveryScalarTypeRoundTrips) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "work");
    TRACE_TAG(flag, true);
    TRACE_TAG(count, std::numeric_limits<std::int64_t>::min());
    TRACE_TAG(bytes, std::numeric_limits<std::uint64_t>::max());
    TRACE_TAG(ratio, -0.125);
  }
  auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(tag_value(spans[0], "test.flag"), Value(true));
  EXPECT_EQ(tag_value(spans[0], "test.count"), Value(std::numeric_limits<std::int64_t>::min()));
  EXPECT_EQ(tag_value(spans[0], "test.bytes"), Value(std::numeric_limits<std::uint64_t>::max()));
  EXPECT_EQ(tag_value(spans[0], "test.ratio"), Value(-0.125));
  EXPECT_EQ(spans[0].dropped_fields, 0u);
}

TEST(Tags, NarrowerValuesConvertToTheDeclaredType) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "work");
    TRACE_TAG(count, std::uint16_t{65535});
    TRACE_TAG(bytes, 7u);
    TRACE_TAG(ratio, 3);
  }
  auto spans = flushed(tracer);
  EXPECT_EQ(tag_value(spans[0], "test.count"), Value(std::int64_t{65535}));
  EXPECT_EQ(tag_value(spans[0], "test.bytes"), Value(std::uint64_t{7}));
  EXPECT_EQ(tag_value(spans[0], "test.ratio"), Value(3.0));
}

TEST(Tags, StringsOfEverySizeRoundTrip) {
  MemoryTracer tracer{"svc"};
  const std::string sizes_to_try[] = {"", "GET", "7 bytes", "8 bytes!", std::string(16, 'a'), std::string(17, 'b'),
                                      std::string(zspan::kMaxStringBytes, 'c')};
  for (const std::string& s : sizes_to_try) {
    TRACE_SCOPE_WITH(tracer, "work");
    TRACE_TAG(text, s);
  }
  auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), std::size(sizes_to_try));
  for (std::size_t i = 0; i < spans.size(); ++i) {
    EXPECT_EQ(tag_value(spans[i], "test.text"), Value(sizes_to_try[i])) << i;
    EXPECT_FALSE(spans[i].tag("test.text")->truncated);
  }
}

TEST(Tags, StringSourcesAndNullPointers) {
  MemoryTracer tracer{"svc"};
  const char* null_text = nullptr;
  const char* literal = "literal";
  {
    TRACE_SCOPE_WITH(tracer, "work", tags::component = literal, tags::db_user = std::string_view("admin"));
    TRACE_TAG(text, null_text);
  }
  auto spans = flushed(tracer);
  EXPECT_EQ(tag_value(spans[0], "component"), Value(std::string("literal")));
  EXPECT_EQ(tag_value(spans[0], "db.user"), Value(std::string("admin")));
  EXPECT_EQ(tag_value(spans[0], "test.text"), Value(std::string()));
}

TEST(Tags, EveryArrayTypeRoundTrips) {
  MemoryTracer tracer{"svc"};
  const std::array<bool, 3> flag_values{true, false, true};
  const std::vector<int> count_values{-1, 0, 1 << 30};
  const std::vector<std::uint64_t> size_values{0, std::numeric_limits<std::uint64_t>::max()};
  const std::array<double, 2> ratio_values{1.5, -2.25};
  const std::vector<std::string> word_values{"a", "", "exactly8", std::string(40, 'w'), "end"};
  const std::vector<int> empty;
  {
    TRACE_SCOPE_WITH(tracer, "work");
    TRACE_TAG(flags, flag_values);
    TRACE_TAG(counts, count_values);
    TRACE_TAG(sizes, size_values);
    TRACE_TAG(ratios, ratio_values);
  }
  {
    TRACE_SCOPE_WITH(tracer, "words");
    TRACE_TAG(words, word_values);
    TRACE_TAG(counts, empty);
  }
  auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(tag_value(spans[0], "test.flags"), Value(std::vector<bool>{true, false, true}));
  EXPECT_EQ(tag_value(spans[0], "test.counts"), Value(std::vector<std::int64_t>{-1, 0, 1 << 30}));
  EXPECT_EQ(tag_value(spans[0], "test.sizes"), Value(size_values));
  EXPECT_EQ(tag_value(spans[0], "test.ratios"), Value(std::vector<double>{1.5, -2.25}));
  EXPECT_EQ(spans[0].dropped_fields, 0u);
  EXPECT_EQ(tag_value(spans[1], "test.words"), Value(word_values));
  EXPECT_EQ(spans[1].dropped_fields, 0u);
  EXPECT_EQ(tag_value(spans[1], "test.counts"), Value(std::vector<std::int64_t>{}));
}

TEST(Tags, LongStringsAreCutAndMarked) {
  MemoryTracer tracer{"svc"};
  const std::string statement(1000, 's');
  const std::vector<std::string> long_words{"short", std::string(500, 'w')};
  {
    TRACE_SCOPE_WITH(tracer, "work", tags::db_statement = statement);
  }
  {
    TRACE_SCOPE_WITH(tracer, "words");
    TRACE_TAG(words, long_words);
  }
  auto spans = flushed(tracer);
  const auto* tag = spans[0].tag("db.statement");
  ASSERT_NE(tag, nullptr);
  EXPECT_TRUE(tag->truncated);
  EXPECT_EQ(tag->value, Value(statement.substr(0, zspan::kMaxStringBytes)));
  const auto* array = spans[1].tag("test.words");
  ASSERT_NE(array, nullptr);
  EXPECT_TRUE(array->truncated);
  EXPECT_EQ(array->value, Value(std::vector<std::string>{"short", long_words[1].substr(0, zspan::kMaxStringBytes)}));
}

TEST(Tags, FieldsOverTheLimitAreDroppedAndCounted) {
  MemoryTracer tracer{"svc"};
  constexpr int kTags = zspan::kSpanFieldBytes / sizeof(zspan::detail::FieldEntry);
  {
    TRACE_SCOPE_WITH(tracer, "work");
    for (int i = 0; i < kTags + 3; ++i) TRACE_TAG(count, i);
    TRACE_TAG(text, std::string(100, 'x'));  // does not fit either
  }
  auto spans = flushed(tracer);
  EXPECT_EQ(spans[0].tags.size(), static_cast<std::size_t>(kTags));
  EXPECT_EQ(spans[0].dropped_fields, 4u);
  EXPECT_EQ(spans[0].tags.back().value, Value(std::int64_t{kTags - 1}));
}

TEST(Tags, AnIntAndAShortStringTakeTwoEntries) {
  MemoryTracer tracer{"svc"};
  zspan::ScopedSpan span{tracer, kWork};
  span.tag(tags::http_status_code, 200);
  span.tag(tags::http_method, "GET");
  EXPECT_EQ(span.node().record.size_bytes, 96u);
}

TEST(Tags, ScopeTagsGuardTagsAndTheCurrentSpan) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "outer", tags::span_kind = "server", tags::http_method = "GET");
    TRACE_SCOPE("inner", tags::peer_port = 5432);
    TRACE_TAG(tags::db_type, "sql");
  }
  {
    zspan::Span span = zspan::Span::start(tracer, kMoved);
    span.tag(tags::http_status_code, 503);
    zspan::ActiveScope scope = span.make_current();
    TRACE_TAG(tags::peer_service, "db");  // lands in the Span made current
  }
  auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].name, "inner");
  EXPECT_EQ(tag_value(spans[0], "peer.port"), Value(std::int64_t{5432}));
  EXPECT_EQ(tag_value(spans[0], "db.type"), Value(std::string("sql")));
  EXPECT_EQ(spans[1].name, "outer");
  EXPECT_EQ(spans[1].tags.size(), 2u);
  EXPECT_EQ(tag_value(spans[1], "span.kind"), Value(std::string("server")));
  EXPECT_EQ(spans[2].name, "moved");
  EXPECT_EQ(tag_value(spans[2], "http.status_code"), Value(std::int64_t{503}));
  EXPECT_EQ(tag_value(spans[2], "peer.service"), Value(std::string("db")));
}

TEST(Tags, ErrorTagMarksTheSpanInsteadOfStoringAField) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "failed", tags::error = true);
  }
  {
    TRACE_SCOPE_WITH(tracer, "recovered");
    TRACE_TAG(tags::error, true);
    TRACE_TAG(tags::error, false);
  }
  auto spans = flushed(tracer);
  EXPECT_TRUE(spans[0].error);
  EXPECT_TRUE(spans[0].tags.empty());
  EXPECT_FALSE(spans[1].error);
}

TEST(Tags, NothingIsEvaluatedForASpanThatDoesNotRecord) {
  zspan::testing::MemoryTracerWith<zspan::AlwaysOffSampler> tracer{"off"};
  int evaluations = 0;
  auto value = [&] { return ++evaluations; };
  {
    TRACE_SCOPE_WITH(tracer, "work", count = value());
    TRACE_TAG(count, value());
  }
  EXPECT_EQ(evaluations, 0);
  ASSERT_TRUE(zspan::flush());
  EXPECT_EQ(tracer.exporter().size(), 0u);
}

TEST(Tags, StrictTracerRecordsTheTagsItsSchemaLists) {
  using Schema = zspan::Schema<tags::http_method, tags::http_status_code>;
  zspan::StrictTracer<Schema, zspan::AlwaysOnSampler, zspan::MemoryExporter> strict{"strict"};
  {
    TRACE_SCOPE_WITH(strict, "get", tags::http_method = "GET", tags::http_status_code = 200);
  }
  ASSERT_TRUE(zspan::flush());
  auto spans = strict.exporter().spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].service, "strict");
  EXPECT_EQ(spans[0].tags.size(), 2u);
}

TEST(Tags, OpenTelemetryNamesLiveOnTheKeys) {
  EXPECT_EQ(tags::http_status_code.field.otel(), "http.response.status_code");
  EXPECT_EQ(tags::db_statement.field.otel(), "db.query.text");
  EXPECT_EQ(tags::peer_service.field.otel(), "peer.service");
  EXPECT_EQ(tags::http_status_code.field.type, zspan::detail::FieldType::kInt64);
  EXPECT_EQ(words.field.type, zspan::detail::FieldType::kStringArray);
}

// Keys known only at run time: DynamicTagKey.

TEST(DynamicTagKey, TagsOfEveryValueTypeRoundTripUnderTheirRunTimeKeys) {
  MemoryTracer tracer{"svc"};
  const std::vector<std::string> names{"config.quota", "config.tenant", "config.weights", "config.cached"};
  const zspan::DynamicTagKey<std::int64_t> quota{names[0]};
  const zspan::DynamicTagKey<std::string_view> tenant{names[1]};
  const zspan::DynamicTagKey<std::span<const double>> weights{names[2]};
  const std::vector<double> w{0.5, 0.25};
  {
    TRACE_SCOPE_WITH(tracer, "work", quota = 42, count = 1);
    TRACE_TAG(tenant, std::string(40, 't'));
    zspan::ScopedSpan span{tracer, kWork};
    span.tag(weights, w);
    span.tag(zspan::DynamicTagKey<bool>{names[3]}, true);
  }
  auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 2u);
  ASSERT_EQ(spans[1].tags.size(), 3u);
  EXPECT_EQ(spans[1].tags[0].key, "config.quota");
  EXPECT_EQ(spans[1].tags[0].value, Value(std::int64_t{42}));
  EXPECT_EQ(spans[1].tags[1].key, "test.count");
  EXPECT_EQ(tag_value(spans[1], "config.tenant"), Value(std::string(40, 't')));
  EXPECT_EQ(tag_value(spans[0], "config.weights"), Value(std::vector<double>{0.5, 0.25}));
  EXPECT_EQ(tag_value(spans[0], "config.cached"), Value(true));
  EXPECT_EQ(spans[0].dropped_fields + spans[1].dropped_fields, 0u);
}

TEST(DynamicTagKey, LogFieldsTakeRunTimeKeysToo) {
  MemoryTracer tracer{"svc"};
  const std::string key = "retry.reason";
  {
    TRACE_SCOPE_WITH(tracer, "work");
    TRACE_LOG_FIELDS(zspan::logs::event = "retry", zspan::DynamicTagKey<std::string_view>{key} = "timeout");
  }
  auto spans = flushed(tracer);
  ASSERT_EQ(spans[0].logs.size(), 1u);
  const auto* reason = spans[0].logs[0].field("retry.reason");
  ASSERT_NE(reason, nullptr);
  EXPECT_EQ(reason->value, Value(std::string("timeout")));
  EXPECT_TRUE(spans[0].tags.empty());
}

TEST(DynamicTagKey, ALongKeyIsCutAndCountedAnEmptyOneDropsItsTag) {
  MemoryTracer tracer{"svc"};
  const std::string long_key = std::string(200, 'k');
  const std::uint64_t cut_before = zspan::stats().names_truncated;
  {
    TRACE_SCOPE_WITH(tracer, "work");
    TRACE_TAG(zspan::DynamicTagKey<std::int64_t>{long_key}, 1);
    TRACE_TAG(zspan::DynamicTagKey<std::int64_t>{""}, 2);
  }
  auto spans = flushed(tracer);
  ASSERT_EQ(spans[0].tags.size(), 1u);
  EXPECT_EQ(spans[0].tags[0].key, std::string(zspan::kMaxNameBytes, 'k'));
  EXPECT_EQ(spans[0].dropped_fields, 1u);
  EXPECT_EQ(zspan::stats().names_truncated, cut_before + 1);
}

TEST(DynamicTagKey, ATagThatDoesNotFitIsDroppedWholeAndCounted) {
  MemoryTracer tracer{"svc"};
  constexpr int kTags = zspan::kSpanFieldBytes / sizeof(zspan::detail::FieldEntry) / 2;  // a short key and an int: 2 entries
  {
    TRACE_SCOPE_WITH(tracer, "work");
    for (int i = 0; i < kTags + 1; ++i) TRACE_TAG(zspan::DynamicTagKey<std::int64_t>{"n"}, i);
  }
  auto spans = flushed(tracer);
  EXPECT_EQ(spans[0].tags.size(), static_cast<std::size_t>(kTags));
  EXPECT_EQ(spans[0].dropped_fields, 1u);
}

TEST(DynamicTagKey, OneNameTwiceInAScopeIsRecordedTwice) {
  MemoryTracer tracer{"svc"};
  const zspan::DynamicTagKey<std::int64_t> a{"same"}, b{"same"};
  { TRACE_SCOPE_WITH(tracer, "work", a = 1, b = 2); }
  auto spans = flushed(tracer);
  ASSERT_EQ(spans[0].tags.size(), 2u);
  EXPECT_EQ(spans[0].tags[1].value, Value(std::int64_t{2}));
}

}  // namespace
