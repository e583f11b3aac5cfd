// The golden trace through ZipkinExporter to a loopback receiver, the JSON that arrived
// decoded with nlohmann::json and compared field by field with the golden SpanData under
// the OpenTelemetry to Zipkin transformation (exporters/zipkin/zipkin_exporter.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/exporters/golden/golden_json.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/zipkin/zipkin_test_support.hpp"
#include "zspan/trace/version.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const SpanData& expected(std::size_t i) { return GoldenTrace::get().expected()[i]; }

class GoldenZipkin : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static Receiver receiver;
    ZipkinExporter exporter(options_for(receiver, 5s));
    result_ = exporter.export_batch(*GoldenTrace::get().batch());
    requests_ = receiver.requests();
    if (requests_.size() == 1) spans_ = decode(requests_[0]);
  }
  static const json& span(std::size_t i) { return spans_.at(i); }
  static inline ExportResult result_;
  static inline std::vector<Receiver::Request> requests_;
  static inline json spans_;
};

// A tag's string read back as the JSON value it spells (for the types that are not strings).
json parsed(const json& tag) { return json::parse(tag.get<std::string>(), nullptr, false); }

TEST_F(GoldenZipkin, OnePostOfAJsonArrayToTheSpansPath) {
  EXPECT_EQ(result_.code, ExportResult::Code::kSuccess);
  ASSERT_EQ(requests_.size(), 1u);
  EXPECT_EQ(requests_[0].method, "POST");
  EXPECT_EQ(requests_[0].path, "/api/v2/spans");
  EXPECT_EQ(requests_[0].header("content-type"), "application/json");
  EXPECT_EQ(requests_[0].header("user-agent"), "zspan-zipkin/" + std::string(kVersion));
  ASSERT_EQ(spans_.size(), GoldenTrace::kSpans);
}

TEST_F(GoldenZipkin, OnlyZipkinFieldsAndAbsentOnesOmitted) {
  const std::set<std::string> allowed = {"traceId", "parentId", "id", "kind", "name", "timestamp",
                                         "duration", "localEndpoint", "annotations", "tags"};
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    for (const auto& [key, value] : span(i).items()) EXPECT_TRUE(allowed.contains(key)) << key;
    EXPECT_EQ(span(i).contains("annotations"), !expected(i).logs.empty());
  }
}

TEST_F(GoldenZipkin, IdsAndParentage) {
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    const SpanData& want = expected(i);
    EXPECT_EQ(span(i)["traceId"], hex(want.trace_id));
    EXPECT_EQ(span(i)["id"], hex(want.span_id));
    if (want.parent_id.valid())
      EXPECT_EQ(span(i)["parentId"], hex(want.parent_id));
    else
      EXPECT_FALSE(span(i).contains("parentId"));
    EXPECT_EQ(span(i)["name"], want.name);
    EXPECT_FALSE(span(i).contains("shared")) << "zspan server spans have ids of their own";
  }
  EXPECT_EQ(span(0)["traceId"], "0af7651916cd43dd8448eb211c80319c") << "32 lower-case hex digits";
  EXPECT_FALSE(span(0).contains("parentId")) << "a root";
  EXPECT_EQ(span(3)["parentId"], "00f067aa0ba902b7") << "a followsFrom parent is the parent";
  EXPECT_EQ(span(4)["parentId"], hex(GoldenTrace::kRemoteParent)) << "a remote parent is the parent";
}

TEST_F(GoldenZipkin, MicrosecondTimestampsAndDurations) {
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    const SpanData& want = expected(i);
    ASSERT_TRUE(span(i)["timestamp"].is_number_unsigned());
    EXPECT_EQ(span(i)["timestamp"].get<std::uint64_t>(), want.start_unix_nanos / 1000);
    EXPECT_EQ(span(i)["duration"].get<std::uint64_t>(), (want.end_unix_nanos - want.start_unix_nanos) / 1000);
  }
  EXPECT_EQ(span(0)["timestamp"], 1'700'000'000'000'000u);
  EXPECT_EQ(span(0)["duration"], 5'000u);
  EXPECT_EQ(span(1)["timestamp"], 1'700'000'000'000'100u);
}

TEST_F(GoldenZipkin, KindAndLocalEndpoint) {
  const std::vector<json> kinds = {"SERVER", nullptr, "CLIENT", "PRODUCER", nullptr, nullptr, nullptr};
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(span(i).contains("kind") ? span(i)["kind"] : json(nullptr), kinds[i]) << "absent for INTERNAL";
    EXPECT_EQ(span(i)["localEndpoint"], (json{{"serviceName", expected(i).service}}));
  }
  EXPECT_EQ(span(2)["localEndpoint"]["serviceName"], "backend");
}

TEST_F(GoldenZipkin, EveryAttributeIsAStringTagOfItsValue) {
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    const json& tags = span(i)["tags"];
    for (const GoldenAttribute& a : golden_attributes(i)) {
      ASSERT_TRUE(tags.contains(a.key)) << a.key;
      ASSERT_TRUE(tags[a.key].is_string()) << a.key << ": " << tags[a.key];
      if (const auto* text = std::get_if<std::string>(&a.tag->value))
        EXPECT_EQ(tags[a.key], *text) << a.key;
      else
        expect_json_value(parsed(tags[a.key]), a.tag->value, a.key);
    }
  }
  const json& auth = span(1)["tags"];
  EXPECT_EQ(auth["auth.ok"], "true");
  EXPECT_EQ(auth["auth.attempts"], "-3");
  EXPECT_EQ(auth["auth.token_bits"], "18446744073709551615") << "above int64 max, exact";
  EXPECT_EQ(auth["auth.score"], "0.875");
  EXPECT_EQ(auth["auth.flags"], "[true,false]");
  EXPECT_EQ(auth["auth.codes"], "[-1,0,42]");
  EXPECT_EQ(auth["auth.masks"], "[18446744073709551615,7]");
  EXPECT_EQ(auth["auth.weights"], "[0.5,-2.25]");
  EXPECT_EQ(auth["auth.roles"], R"(["admin","a role longer than seven"])") << "arrays: a JSON list";
  EXPECT_EQ(span(0)["tags"]["http.request.method"], "GET") << "OpenTelemetry names";
  EXPECT_EQ(span(0)["tags"]["http.response.status_code"], "200");
  EXPECT_FALSE(span(0)["tags"].contains("span.kind")) << "the kind is not a tag";
  EXPECT_EQ(span(2)["tags"]["db.query.text"].get<std::string>().size(), 128u) << "what was kept of a cut string";
}

TEST_F(GoldenZipkin, StatusScopeAndDroppedCountsAreTags) {
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    const json& tags = span(i)["tags"];
    EXPECT_EQ(tags["otel.scope.name"], "zspan");
    EXPECT_EQ(tags["otel.scope.version"], std::string(kVersion));
    EXPECT_EQ(tags["otel.library.name"], "zspan");
    EXPECT_EQ(tags["otel.library.version"], std::string(kVersion));
    std::size_t extra = 4;
    if (expected(i).error) {
      EXPECT_EQ(tags["otel.status_code"], "ERROR");
      EXPECT_EQ(tags["error"], "upstream returned 503");
      extra += 2;
    } else {
      EXPECT_FALSE(tags.contains("otel.status_code")) << "nothing for UNSET";
      EXPECT_FALSE(tags.contains("error"));
    }
    if (expected(i).dropped_fields > 0) {
      EXPECT_EQ(tags["otel.dropped_attributes_count"], std::to_string(expected(i).dropped_fields));
      ++extra;
    }
    if (!expected(i).references.empty()) {
      EXPECT_EQ(tags["otel.dropped_links_count"], std::to_string(expected(i).references.size()));
      ++extra;
    }
    EXPECT_EQ(tags.size(), golden_attributes(i).size() + extra) << tags;
  }
  EXPECT_TRUE(expected(2).error);
  EXPECT_EQ(span(4)["tags"]["otel.dropped_attributes_count"], "3");
  EXPECT_EQ(span(4)["tags"]["otel.dropped_links_count"], "1") << "the reference to another trace";
  EXPECT_FALSE(span(3)["tags"].contains("otel.dropped_links_count")) << "a followsFrom parent is the parentId";
}

TEST_F(GoldenZipkin, LogsAreAnnotationsNamedWithTheirAttributes) {
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    const auto want = golden_events(i);
    if (want.empty()) continue;
    const json& annotations = span(i)["annotations"];
    ASSERT_EQ(annotations.size(), want.size());
    for (std::size_t e = 0; e < want.size(); ++e) {
      EXPECT_EQ(annotations[e]["timestamp"].get<std::uint64_t>(), want[e].unix_nanos / 1000);
      const json value = json::parse("{" + annotations[e]["value"].get<std::string>() + "}", nullptr, false);
      ASSERT_TRUE(value.is_object()) << annotations[e]["value"];
      ASSERT_EQ(value.size(), 1u);
      ASSERT_TRUE(value.contains(want[e].name)) << value;
      const json& attributes = value[want[e].name];
      EXPECT_EQ(attributes.size(), want[e].attributes.size()) << attributes;
      for (const GoldenAttribute& a : want[e].attributes) expect_json_value(attributes[a.key], a.tag->value, a.key);
    }
  }
  EXPECT_EQ(span(0)["annotations"], json::array({{{"timestamp", 1'700'000'000'001'000u},
                                                 {"value", R"("cache miss":{"cache.key":"users:42"})"}}}));
}

TEST_F(GoldenZipkin, NonAsciiAndControlCharactersRoundTripExactly) {
  const json& odd = span(5);
  EXPECT_EQ(odd["name"], "naïve \"quoted\"\n\ttab");
  EXPECT_EQ(odd["tags"]["note"], "héllo \"ünïcode\" ✓\\ \x01\x1f\n\r\t end");
  const json value = json::parse("{" + odd["annotations"][0]["value"].get<std::string>() + "}");
  EXPECT_EQ(value["log"]["message"], "line1\nline2 \"q\" \x7f ✓");
}

TEST(ZipkinEncoding, DurationsAreWholeMicrosecondsButNeverZero) {
  const GoldenTrace& golden = GoldenTrace::get();
  const zspan::detail::SpanRecord& root = (*golden.batch())[0].record();
  for (const auto& [nanos, micros] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {0, 1}, {999, 1}, {1'000, 1}, {1'234, 1}, {1'999, 1}, {2'000, 2}, {5'000'000, 5'000}}) {
    zspan::detail::SpanRecord record = root;
    record.size_bytes = sizeof(zspan::detail::SpanRecord);  // no fields
    record.end_ticks = record.start_ticks + nanos;
    const BatchedSpan one{&record, "svc"};
    SpanBatch batch({&one, 1}, golden.clock());
    std::string out;
    ZipkinEncoder().encode(batch, out);
    const json spans = json::parse(out);
    EXPECT_EQ(spans[0]["duration"], micros) << nanos << " ns";
    EXPECT_EQ(spans[0]["tags"].size(), 4u) << "the scope only";
    EXPECT_FALSE(spans[0].contains("annotations"));
  }
}

TEST(ZipkinEncoding, AForcedSpanIsDebug) {
  zspan::detail::SpanRecord record = (*GoldenTrace::get().batch())[0].record();
  record.size_bytes = sizeof(zspan::detail::SpanRecord);
  for (const bool forced : {false, true}) {
    record.flags = zspan::detail::SpanRecord::kSampled | (forced ? zspan::detail::SpanRecord::kForced : 0);
    const BatchedSpan one{&record, "svc"};
    SpanBatch batch({&one, 1}, GoldenTrace::get().clock());
    std::string out;
    ZipkinEncoder().encode(batch, out);
    const json span = json::parse(out)[0];
    EXPECT_EQ(span.value("debug", false), forced);
    EXPECT_EQ(span.contains("debug"), forced) << "absent unless forced";
  }
}

TEST(ZipkinEncoding, InvalidUtf8BecomesReplacementCharacters) {
  static constexpr Callsite kCut = {"cut \xe2\x9c", "golden", "golden_trace.cc", 1, Level::kInfo};
  zspan::detail::SpanRecord record = (*GoldenTrace::get().batch())[0].record();
  record.size_bytes = sizeof(zspan::detail::SpanRecord);
  record.callsite = &kCut;
  const BatchedSpan one{&record, "svc"};
  SpanBatch batch({&one, 1}, GoldenTrace::get().clock());
  std::string out;
  ZipkinEncoder().encode(batch, out);
  EXPECT_EQ(json::parse(out)[0]["name"], "cut \xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
}  // namespace zspan::testing
