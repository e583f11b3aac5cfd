// The Chrome trace exporter behind a real tracer: spans recorded with TRACE_SCOPE_WITH,
// flushed, and the file read back.
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "zspan/exporters/chrome/chrome_trace_exporter.hpp"
#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/chrome/chrome_trace_test_util.hpp"

namespace zspan::testing {
namespace {

inline constexpr TagKey<"item.count", std::int64_t> item_count;

TEST(ChromeTracer, RecordedSpansAreInTheFileAfterAFlush) {
  const std::string path = temp_path("tracer.json");
  Tracer<AlwaysOnSampler, ChromeTraceExporter> tracer{"checkout", {}, path};
  {
    TRACE_SCOPE_WITH(tracer, "handle order", item_count = 3);
    { TRACE_SCOPE("reserve stock"); }
    {
      TRACE_SCOPE("charge card");
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  ASSERT_TRUE(tracer.flush());

  const json doc = parse_document(contents(path));
  const auto spans = events_of_phase(doc, "X");
  ASSERT_EQ(spans.size(), 3u);
  std::map<std::string, json> by_name;
  for (const json& s : spans) by_name[s["name"]] = s;
  const json& order = by_name.at("handle order");
  EXPECT_EQ(order["args"]["item.count"], 3);
  EXPECT_EQ(order["cat"], "checkout");
  EXPECT_EQ(thread_name(doc, order["tid"]), "checkout");
  for (const char* child : {"reserve stock", "charge card"}) {
    const json& c = by_name.at(child);
    EXPECT_EQ(c["tid"], order["tid"]) << child << " is drawn inside its parent";
    EXPECT_EQ(c["args"]["parent_id"], order["args"]["span_id"]);
    EXPECT_GE(nanos(c["ts"]), nanos(order["ts"]));
    EXPECT_LE(nanos(c["ts"]) + nanos(c["dur"]), nanos(order["ts"]) + nanos(order["dur"]));
  }
  EXPECT_GE(nanos(by_name.at("charge card")["dur"]), 50'000);

  { TRACE_SCOPE_WITH(tracer, "next request"); }
  ASSERT_TRUE(tracer.flush());
  EXPECT_EQ(events_of_phase(parse_document(contents(path)), "X").size(), 4u) << "the file grows batch by batch";
}

}  // namespace
}  // namespace zspan::testing
