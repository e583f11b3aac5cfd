// The span limits of the environment (trace/export/span_limits.hpp) in Zipkin's JSON: this
// test's BUILD rule sets OTEL_SPAN_LINK_COUNT_LIMIT=0 and OTEL_SPAN_EVENT_COUNT_LIMIT=0.
// What the limits leave out is counted in the otel.dropped_* tags; a followsFrom parent
// is still the parentId, not a dropped link.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "zspan/exporters/zipkin/zipkin_exporter.hpp"
#include "tests/exporters/golden/golden_trace.hpp"

namespace zspan::testing {
namespace {

using nlohmann::json;

json encoded_golden_trace() {
  std::string out;
  ZipkinEncoder().encode(*GoldenTrace::get().batch(), out);
  return json::parse(out);
}

TEST(ZipkinLimits, EventsPastTheLimitAreCountedNotSent) {
  const json root = encoded_golden_trace()[0];  // one log, "cache miss"
  EXPECT_FALSE(root.contains("annotations"));
  EXPECT_EQ(root["tags"]["otel.dropped_events_count"], "1");
}

TEST(ZipkinLimits, LinksPastTheLimitAreCountedButAFollowsFromParentStaysTheParent) {
  const json spans = encoded_golden_trace();
  EXPECT_EQ(spans[4]["tags"]["otel.dropped_links_count"], "1") << "the reference to another trace";
  EXPECT_FALSE(spans[3]["tags"].contains("otel.dropped_links_count")) << "its followsFrom parent is the parentId";
  EXPECT_EQ(spans[3]["parentId"], spans[0]["id"]);
}

}  // namespace
}  // namespace zspan::testing
