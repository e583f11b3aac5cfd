// The span limits of the environment (trace/export/span_limits.hpp) in OTLP, decoded by
// libprotobuf: this test's BUILD rule sets OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT=3,
// OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=4, OTEL_SPAN_EVENT_COUNT_LIMIT=0,
// OTEL_SPAN_LINK_COUNT_LIMIT=0. What they leave out is counted in the dropped counts, and
// the direct encoder still writes the library's bytes.
#include <gtest/gtest.h>

#include <string>

#include "zspan/exporters/otlp/otlp_encoding.hpp"
#include "zspan/exporters/otlp/otlp_wire.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"

namespace zspan::testing {
namespace {

using Request = pb::collector::trace::v1::ExportTraceServiceRequest;
using Span = pb::trace::v1::Span;

class LimitedOtlp : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string bytes;
    otlp::WireEncoder().encode(*GoldenTrace::get().batch(), bytes);
    ASSERT_TRUE(request_.ParseFromString(bytes));
    Request library;
    otlp::encode(*GoldenTrace::get().batch(), library);
    EXPECT_EQ(bytes, library.SerializeAsString()) << "the direct encoder writes the library's bytes";
  }
  const Span& span(const std::string& name) {
    for (const auto& resource : request_.resource_spans())
      for (const auto& scope : resource.scope_spans())
        for (const Span& s : scope.spans())
          if (s.name() == name) return s;
    ADD_FAILURE() << "no span " << name;
    return Span::default_instance();
  }
  Request request_;
};

TEST_F(LimitedOtlp, AttributesPastTheCountAreDroppedAndCounted) {
  const Span& auth = span("authenticate");
  EXPECT_EQ(auth.attributes_size(), 3);
  EXPECT_EQ(auth.dropped_attributes_count(), 11u - 3u);
  EXPECT_EQ(span("handle").dropped_attributes_count(), 3u) << "fields that did not fit the record";
}

// Characters (UTF-8 code points) in `s`.
std::size_t characters(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

TEST_F(LimitedOtlp, StringsAreCutToTheLengthLimitInCharacters) {
  for (const auto& resource : request_.resource_spans())
    for (const auto& scope : resource.scope_spans())
      for (const Span& s : scope.spans())
        for (const auto& attribute : s.attributes()) {
          // A uint64 above INT64_MAX travels as its decimal string: a number, never cut.
          if (attribute.value().has_string_value() && attribute.key() != "auth.token_bits") {
            EXPECT_LE(characters(attribute.value().string_value()), 4u) << s.name() << " " << attribute.key();
          }
        }
  EXPECT_EQ(span("GET /users").attributes(0).value().string_value(), "GET");
  EXPECT_EQ(span("SELECT users").attributes(0).value().string_value(), "SELE");
  EXPECT_EQ(span("naïve \"quoted\"\n\ttab").attributes(0).value().string_value(), "héll");
  EXPECT_EQ(span("authenticate").attributes(2).value().string_value(), "18446744073709551615");
}

TEST_F(LimitedOtlp, EventsAndLinksPastTheirCountsAreDroppedAndCounted) {
  const Span& root = span("GET /users");
  EXPECT_EQ(root.events_size(), 0);
  EXPECT_EQ(root.dropped_events_count(), 1u);
  const Span& email = span("send email");
  EXPECT_EQ(email.links_size(), 0);
  EXPECT_EQ(email.dropped_links_count(), 1u);
  const Span& select = span("SELECT users");
  EXPECT_EQ(select.status().message(), "upstream returned 503") << "the status outlives its event";
}

}  // namespace
}  // namespace zspan::testing
