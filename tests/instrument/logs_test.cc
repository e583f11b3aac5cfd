#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "zspan/instrument/zspan.hpp"
#include "tests/support/memory_tracer.hpp"
#include "tests/support/span_lookup.hpp"

namespace {

using Value = zspan::SpanData::TagValue;
using zspan::testing::field_value;
using zspan::testing::flushed;
using zspan::testing::MemoryTracer;

constexpr zspan::Callsite kMoved{"moved", "test", __FILE__, __LINE__, zspan::Level::kInfo};

struct Throws {};

}  // namespace

template <>
struct fmt::formatter<Throws> : fmt::formatter<int> {
  auto format(Throws, fmt::format_context&) const -> fmt::format_context::iterator {
    throw std::runtime_error("formatter failed");
  }
};

namespace {

TEST(Logs, MessageIsFormattedAndStampedInsideTheSpan) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "work");
    TRACE_LOG("cache miss for {} after {:.1f} ms", "user:42", 2.5);
    TRACE_LOG("no arguments");
  }
  auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 1u);
  const auto& span = spans[0];
  ASSERT_EQ(span.logs.size(), 2u);
  EXPECT_EQ(field_value(span.logs[0], "message"), Value(std::string("cache miss for user:42 after 2.5 ms")));
  EXPECT_EQ(field_value(span.logs[1], "message"), Value(std::string("no arguments")));
  EXPECT_FALSE(span.error);
  for (const auto& log : span.logs) {
    EXPECT_GE(log.unix_nanos, span.start_unix_nanos);
    EXPECT_LE(log.unix_nanos, span.end_unix_nanos);
  }
  EXPECT_LE(span.logs[0].unix_nanos, span.logs[1].unix_nanos);
  EXPECT_TRUE(span.tags.empty());
}

TEST(Logs, ErrorLogMarksTheSpanFailed) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "work");
    TRACE_ERROR("upstream returned {}", 503);
  }
  auto spans = flushed(tracer);
  EXPECT_TRUE(spans[0].error);
  ASSERT_EQ(spans[0].logs.size(), 1u);
  EXPECT_EQ(field_value(spans[0].logs[0], "event"), Value(std::string("error")));
  EXPECT_EQ(field_value(spans[0].logs[0], "message"), Value(std::string("upstream returned 503")));
}

TEST(Logs, FieldsAreTypedAndErrorKindFailsTheSpan) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "retrying");
    TRACE_LOG_FIELDS(zspan::logs::event = "retry", zspan::tags::peer_port = 8080);
  }
  {
    TRACE_SCOPE_WITH(tracer, "failing");
    TRACE_LOG_FIELDS(zspan::logs::error_kind = "Timeout", zspan::logs::error_object = "deadline exceeded",
                     zspan::logs::stack = "main\nhandle");
  }
  auto spans = flushed(tracer);
  EXPECT_FALSE(spans[0].error);
  EXPECT_EQ(field_value(spans[0].logs[0], "event"), Value(std::string("retry")));
  EXPECT_EQ(field_value(spans[0].logs[0], "peer.port"), Value(std::int64_t{8080}));
  EXPECT_TRUE(spans[1].error);
  EXPECT_EQ(spans[1].logs[0].fields.size(), 3u);
  EXPECT_EQ(field_value(spans[1].logs[0], "stack"), Value(std::string("main\nhandle")));
}

TEST(Logs, GuardsLog) {
  MemoryTracer tracer{"svc"};
  {
    zspan::Span span = zspan::Span::start(tracer, kMoved);
    span.log("attempt {}", 2);
    span.log_error("gave up");
    span.end();
    span.log("after the end: ignored");
  }
  {
    TRACE_SCOPE_WITH(tracer, "scoped");
    TRACE_SCOPE("inner");
  }
  auto spans = flushed(tracer);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].logs.size(), 2u);
  EXPECT_TRUE(spans[0].error);
}

TEST(Logs, LongMessagesAreCutAndMarked) {
  MemoryTracer tracer{"svc"};
  const std::string big(3 * zspan::kMaxStringBytes, 'x');
  {
    TRACE_SCOPE_WITH(tracer, "work");
    TRACE_LOG("payload {}", big);
  }
  auto spans = flushed(tracer);
  const auto* message = spans[0].logs.at(0).field("message");
  ASSERT_NE(message, nullptr);
  EXPECT_TRUE(message->truncated);
  EXPECT_EQ(message->value, Value(("payload " + big).substr(0, zspan::kMaxStringBytes)));
}

TEST(Logs, LogsOverTheLimitAreDroppedAndCounted) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "work");
    for (int i = 0; i < 100; ++i) TRACE_LOG("step {}", i);
  }
  auto spans = flushed(tracer);
  // A short message takes 2 entries: the log and its field.
  const std::size_t fit = zspan::kSpanFieldBytes / sizeof(zspan::detail::FieldEntry) / 2;
  EXPECT_EQ(spans[0].logs.size(), fit);
  EXPECT_EQ(spans[0].dropped_fields, 100u - fit);
}

TEST(Logs, AFormatterThatThrowsCostsTheLogNotTheProgram) {
  MemoryTracer tracer{"svc"};
  {
    TRACE_SCOPE_WITH(tracer, "work");
    TRACE_LOG("{}", Throws{});
    TRACE_LOG("still logging");
  }
  auto spans = flushed(tracer);
  EXPECT_EQ(spans[0].logs.size(), 1u);
  EXPECT_EQ(spans[0].dropped_fields, 1u);
}

TEST(Logs, NothingIsFormattedForASpanThatDoesNotRecord) {
  zspan::testing::MemoryTracerWith<zspan::AlwaysOffSampler> tracer{"off"};
  int evaluations = 0;
  {
    TRACE_SCOPE_WITH(tracer, "work");
    TRACE_LOG("{}", ++evaluations);
    TRACE_ERROR("{}", ++evaluations);
  }
  EXPECT_EQ(evaluations, 0);
}

}  // namespace
