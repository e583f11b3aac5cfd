// The span limits (trace/export/span_limits.hpp): read from the OpenTelemetry variables,
// and applied by the OpenTelemetry view every exporter reads (trace/export/otel.hpp), on
// the golden trace's spans.
#include "zspan/trace/export/span_limits.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "tests/exporters/golden/golden_trace.hpp"
#include "zspan/trace/export/otel.hpp"

namespace zspan {
namespace {

using testing::GoldenTrace;

// The golden span `index` (see golden_trace.hpp).
SpanView golden_span(std::size_t index) {
  static const auto batch = GoldenTrace::get().batch();
  return (*batch)[index];
}
constexpr std::size_t kRoot = 0, kAuthenticate = 1, kSelect = 2, kSendEmail = 3, kHandle = 4, kOdd = 5;

// Each string an attribute visit hands out (arrays' elements too), and the count.
struct Strings {
  std::vector<StringValue> strings;
  std::size_t attributes = 0;
  void operator()(std::string_view, const StringValue& s) {
    ++attributes;
    strings.push_back(s);
  }
  void operator()(std::string_view, const ArrayValue& a) {
    ++attributes;
    a.for_each([&](const ScalarValue& element) {
      if (const auto* s = std::get_if<StringValue>(&element)) strings.push_back(*s);
    });
  }
  void operator()(std::string_view, const auto&) { ++attributes; }
};

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

TEST(SpanLimits, TheDefaultsAreTheSpecificationsWithNoLengthLimit) {
  const SpanLimits limits = SpanLimits::from_env();
  EXPECT_EQ(limits.attribute_value_length, SpanLimits::kNoLimit);
  EXPECT_EQ(limits.attribute_count, 128u);
  EXPECT_EQ(limits.event_count, 128u);
  EXPECT_EQ(limits.link_count, 128u);
  EXPECT_EQ(limits.event_attribute_count, 128u);
}

TEST(SpanLimits, TheGeneralVariablesApplyUnlessTheSpanOnesAreSet) {
  const ScopedEnv length("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "64");
  const ScopedEnv count("OTEL_ATTRIBUTE_COUNT_LIMIT", "10");
  SpanLimits limits = SpanLimits::from_env();
  EXPECT_EQ(limits.attribute_value_length, 64u);
  EXPECT_EQ(limits.attribute_count, 10u);
  EXPECT_EQ(limits.event_attribute_count, 10u);

  const ScopedEnv span_length("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "32");
  const ScopedEnv span_count("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "0");
  const ScopedEnv events("OTEL_SPAN_EVENT_COUNT_LIMIT", "3");
  const ScopedEnv links("OTEL_SPAN_LINK_COUNT_LIMIT", "2");
  const ScopedEnv event_attributes("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "1");
  limits = SpanLimits::from_env();
  EXPECT_EQ(limits.attribute_value_length, 32u);
  EXPECT_EQ(limits.attribute_count, 0u);
  EXPECT_EQ(limits.event_count, 3u);
  EXPECT_EQ(limits.link_count, 2u);
  EXPECT_EQ(limits.event_attribute_count, 1u);
}

TEST(SpanLimits, AWrongValueSaysSoAndTheDefaultApplies) {
  const ScopedEnv length("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "-5");
  const ScopedEnv events("OTEL_SPAN_EVENT_COUNT_LIMIT", "lots");
  ::testing::internal::CaptureStderr();
  const SpanLimits limits = SpanLimits::from_env();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(limits.attribute_value_length, SpanLimits::kNoLimit);
  EXPECT_EQ(limits.event_count, 128u);
  EXPECT_NE(err.find("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=\"-5\" is not a whole number; using no limit"),
            std::string::npos) << err;
  EXPECT_NE(err.find("OTEL_SPAN_EVENT_COUNT_LIMIT=\"lots\" is not a whole number; using 128"), std::string::npos) << err;
}

TEST(SpanLimits, LongStringsAreCutToTheLengthInCharactersAndCountAsCut) {
  SpanLimits limits;
  limits.attribute_value_length = 5;
  Strings seen;
  otel::for_each_attribute(golden_span(kAuthenticate), seen, limits);
  // auth_user "bob", auth_realm "example.com/users", auth_roles {"admin", "a role longer than seven"}
  ASSERT_EQ(seen.strings.size(), 4u);
  EXPECT_EQ(seen.strings[0].text, "bob");
  EXPECT_FALSE(seen.strings[0].truncated());
  EXPECT_EQ(seen.strings[1].text, "examp");
  EXPECT_EQ(seen.strings[1].original_size, 17u);
  EXPECT_TRUE(seen.strings[1].truncated());
  EXPECT_EQ(seen.strings[2].text, "admin");
  EXPECT_FALSE(seen.strings[2].truncated());
  EXPECT_EQ(seen.strings[3].text, "a rol");
  EXPECT_TRUE(seen.strings[3].truncated());
}

TEST(SpanLimits, ACutNeverSplitsACharacter) {
  SpanLimits limits;
  limits.attribute_value_length = 2;
  Strings seen;
  otel::for_each_attribute(golden_span(kOdd), seen, limits);
  ASSERT_EQ(seen.strings.size(), 1u);
  EXPECT_EQ(seen.strings[0].text, "h\xc3\xa9");  // "hé": two characters, three bytes
  EXPECT_EQ(StringValue({"\xe2\x9c\x93!", 4}).first_chars(1).text, "\xe2\x9c\x93");
  EXPECT_EQ(StringValue({"abc", 3}).first_chars(0).text, "");
}

TEST(SpanLimits, AttributesPastTheCountAreLeftOutAndCountedAsDropped) {
  SpanLimits limits;
  limits.attribute_count = 4;
  Strings seen;
  otel::for_each_attribute(golden_span(kAuthenticate), seen, limits);
  EXPECT_EQ(seen.attributes, 4u);
  const otel::SpanSummary summary = otel::summarize(golden_span(kAuthenticate), limits);
  EXPECT_EQ(summary.attributes, 4u);
  EXPECT_EQ(summary.dropped_attributes, 11u - 4u);

  // Fields that did not fit the record still count (the handle span lost 3).
  limits.attribute_count = 0;
  EXPECT_EQ(otel::summarize(golden_span(kHandle), limits).dropped_attributes, 3u);
}

TEST(SpanLimits, EventsAndTheirAttributesPastTheirCountsAreLeftOutAndCounted) {
  SpanLimits limits;
  limits.event_attribute_count = 0;
  int events = 0;
  otel::for_each_event(golden_span(kRoot), [&](const otel::Event& e) {
    ++events;
    EXPECT_EQ(e.name, "cache miss");
    Strings attributes;
    e.for_each_attribute(attributes);
    EXPECT_EQ(attributes.attributes, 0u);
    EXPECT_EQ(e.dropped_attributes(), 1u);  // key "users:42"; the name is not an attribute
  }, limits);
  EXPECT_EQ(events, 1);

  limits.event_count = 0;
  events = 0;
  otel::for_each_event(golden_span(kRoot), [&](const otel::Event&) { ++events; }, limits);
  EXPECT_EQ(events, 0);
  const otel::SpanSummary summary = otel::summarize(golden_span(kRoot), limits);
  EXPECT_EQ(summary.events, 0u);
  EXPECT_EQ(summary.dropped_events, 1u);
}

TEST(SpanLimits, LinksPastTheCountAreLeftOutAndCounted) {
  SpanLimits limits;
  limits.link_count = 0;
  int links = 0;
  otel::for_each_link(golden_span(kSendEmail), [&](const otel::Link&) { ++links; }, limits);
  EXPECT_EQ(links, 0);
  const otel::SpanSummary summary = otel::summarize(golden_span(kSendEmail), limits);
  EXPECT_EQ(summary.links, 0u);
  EXPECT_EQ(summary.dropped_links, 1u);
}

TEST(SpanLimits, TheStatusMessageComesFromAnErrorEventLeftOutByTheLimits) {
  SpanLimits limits;
  limits.event_count = 0;
  const otel::SpanSummary summary = otel::summarize(golden_span(kSelect), limits);
  EXPECT_EQ(summary.status, otel::StatusCode::kError);
  EXPECT_EQ(summary.status_message, "upstream returned 503");
}

}  // namespace
}  // namespace zspan
