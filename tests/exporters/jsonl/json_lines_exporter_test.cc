// The JSON Lines exporter, read as its specification: the golden trace exported, each line
// decoded with nlohmann::json and compared field by field with the golden SpanData and the
// OpenTelemetry mapping; files, failures and a real tracer.
#include "zspan/exporters/jsonl/json_lines_exporter.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/golden/golden_json.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/test_files.hpp"

namespace zspan::testing {
namespace {

using nlohmann::json;

std::vector<json> parse_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(json::parse(line, nullptr, false));
    EXPECT_FALSE(lines.back().is_discarded()) << line;
  }
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  return lines;
}

const std::vector<json>& golden_lines() {
  static const std::vector<json> lines = [] {
    std::ostringstream out;
    JsonLinesExporter exporter(out);
    EXPECT_EQ(exporter.export_batch(*GoldenTrace::get().batch()).code, ExportResult::Code::kSuccess);
    return parse_lines(out.str());
  }();
  return lines;
}

const SpanData& expected(std::size_t i) { return GoldenTrace::get().expected()[i]; }

TEST(JsonLines, OneLinePerSpanWithEveryKey) {
  ASSERT_EQ(golden_lines().size(), GoldenTrace::kSpans);
  const std::vector<std::string> keys = {"trace_id", "span_id", "parent_span_id", "parent_is_remote", "name", "service",
                                         "kind", "start_time_unix_nano", "end_time_unix_nano", "status", "attributes",
                                         "truncated_attributes", "dropped_attributes_count", "events", "links"};
  for (const json& line : golden_lines()) {
    std::vector<std::string> actual;
    for (const auto& [key, value] : line.items()) actual.push_back(key);
    EXPECT_EQ(std::set<std::string>(actual.begin(), actual.end()), std::set<std::string>(keys.begin(), keys.end()));
  }
}

TEST(JsonLines, IdsNamesServicesAndTimes) {
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    const json& line = golden_lines()[i];
    const SpanData& want = expected(i);
    EXPECT_EQ(line["trace_id"], hex(want.trace_id));
    EXPECT_EQ(line["span_id"], hex(want.span_id));
    EXPECT_EQ(line["parent_span_id"], want.parent_id.valid() ? hex(want.parent_id) : "");
    EXPECT_EQ(line["parent_is_remote"], want.remote_parent);
    EXPECT_EQ(line["name"], want.name);
    EXPECT_EQ(line["service"], want.service);
    ASSERT_TRUE(line["start_time_unix_nano"].is_number_unsigned());
    EXPECT_EQ(line["start_time_unix_nano"].get<std::uint64_t>(), want.start_unix_nanos);
    EXPECT_EQ(line["end_time_unix_nano"].get<std::uint64_t>(), want.end_unix_nanos);
  }
  EXPECT_EQ(golden_lines()[0]["parent_span_id"], "") << "a root";
  EXPECT_EQ(golden_lines()[4]["parent_span_id"], hex(GoldenTrace::kRemoteParent));
  EXPECT_EQ(golden_lines()[4]["parent_is_remote"], true);
}

TEST(JsonLines, KindAndStatus) {
  const std::vector<std::string> kinds = {"SERVER", "INTERNAL", "CLIENT", "PRODUCER", "INTERNAL", "INTERNAL", "INTERNAL"};
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(golden_lines()[i]["kind"], kinds[i]);
    const json& status = golden_lines()[i]["status"];
    if (expected(i).error) {
      EXPECT_EQ(status, (json{{"code", "ERROR"}, {"message", "upstream returned 503"}}));
    } else {
      EXPECT_EQ(status, (json{{"code", "UNSET"}, {"message", ""}}));
    }
  }
  EXPECT_EQ(golden_lines()[2]["status"]["code"], "ERROR");
}

TEST(JsonLines, AttributesKeepTheirTypesAndValues) {
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    const json& attributes = golden_lines()[i]["attributes"];
    const auto want = golden_attributes(i);
    EXPECT_EQ(attributes.size(), want.size()) << attributes;
    std::vector<std::string> cut;
    for (const GoldenAttribute& a : want) {
      ASSERT_TRUE(attributes.contains(a.key)) << a.key;
      expect_json_value(attributes[a.key], a.tag->value, a.key);
      if (a.tag->truncated) cut.push_back(a.key);
    }
    EXPECT_EQ(golden_lines()[i]["truncated_attributes"], json(cut));
    EXPECT_EQ(golden_lines()[i]["dropped_attributes_count"], expected(i).dropped_fields);
  }
  const json& auth = golden_lines()[1]["attributes"];
  EXPECT_TRUE(auth["auth.token_bits"].is_number_unsigned());
  EXPECT_EQ(auth["auth.token_bits"].get<std::uint64_t>(), 18'446'744'073'709'551'615u) << "above int64 max, exact";
  EXPECT_EQ(golden_lines()[0]["attributes"]["http.request.method"], "GET") << "OpenTelemetry names";
  EXPECT_FALSE(golden_lines()[0]["attributes"].contains("span.kind")) << "the kind is not an attribute";
  EXPECT_EQ(golden_lines()[2]["truncated_attributes"], json::array({"db.query.text"}));
  EXPECT_EQ(golden_lines()[2]["attributes"]["db.query.text"].get<std::string>().size(), 128u);
  EXPECT_EQ(golden_lines()[4]["dropped_attributes_count"], 3);
}

TEST(JsonLines, LogsAreEvents) {
  for (std::size_t i = 0; i < GoldenTrace::kSpans; ++i) {
    SCOPED_TRACE(i);
    const json& events = golden_lines()[i]["events"];
    const auto want = golden_events(i);
    ASSERT_EQ(events.size(), want.size());
    for (std::size_t e = 0; e < want.size(); ++e) {
      EXPECT_EQ(events[e]["name"], want[e].name);
      EXPECT_EQ(events[e]["time_unix_nano"].get<std::uint64_t>(), want[e].unix_nanos);
      EXPECT_EQ(events[e]["attributes"].size(), want[e].attributes.size()) << events[e];
      for (const GoldenAttribute& a : want[e].attributes) expect_json_value(events[e]["attributes"][a.key], a.tag->value, a.key);
      EXPECT_EQ(events[e]["truncated_attributes"], json::array());
    }
  }
  EXPECT_EQ(golden_lines()[0]["events"][0]["name"], "cache miss");
  EXPECT_EQ(golden_lines()[0]["events"][0]["attributes"], (json{{"cache.key", "users:42"}}));
  EXPECT_EQ(golden_lines()[2]["events"][0]["name"], "error");
}

TEST(JsonLines, FollowsFromAndReferencesAreLinks) {
  const json follows_root = {{"trace_id", hex(GoldenTrace::kTraceId)},
                             {"span_id", hex(expected(0).span_id)},
                             {"attributes", {{"opentracing.ref_type", "follows_from"}}}};
  EXPECT_EQ(golden_lines()[3]["links"], json::array({follows_root}));
  const json other_trace = {{"trace_id", hex(GoldenTrace::kOtherTraceId)},
                            {"span_id", hex(SpanId{0x5555555555555555})},
                            {"attributes", {{"opentracing.ref_type", "follows_from"}}}};
  EXPECT_EQ(golden_lines()[4]["links"], json::array({other_trace}));
  for (std::size_t i : {0, 1, 2, 5}) EXPECT_EQ(golden_lines()[i]["links"], json::array()) << i;
}

TEST(JsonLines, NonAsciiAndControlCharactersRoundTripExactly) {
  const json& odd = golden_lines()[5];
  EXPECT_EQ(odd["name"], "naïve \"quoted\"\n\ttab");
  EXPECT_EQ(odd["attributes"]["note"], "héllo \"ünïcode\" ✓\\ \x01\x1f\n\r\t end");
  EXPECT_EQ(odd["events"][0]["attributes"]["message"], "line1\nline2 \"q\" \x7f ✓");
}

TEST(JsonLines, AFileIsAppendedToBatchByBatch) {
  const std::string path = temp_path("spans.jsonl");
  std::remove(path.c_str());
  {
    JsonLinesExporter exporter(path);
    EXPECT_EQ(exporter.export_batch(*GoldenTrace::get().batch()).code, ExportResult::Code::kSuccess);
    EXPECT_EQ(parse_lines(contents(path)).size(), GoldenTrace::kSpans) << "whole lines after each batch";
  }
  JsonLinesExporter again(path);
  EXPECT_EQ(again.export_batch(*GoldenTrace::get().batch()).code, ExportResult::Code::kSuccess);
  const auto lines = parse_lines(contents(path));
  ASSERT_EQ(lines.size(), 2 * GoldenTrace::kSpans);
  EXPECT_EQ(lines[GoldenTrace::kSpans]["name"], "GET /users");
}

TEST(JsonLines, AnUnwritablePathRejectsBatchesWithOneLineOnStderr) {
  JsonLinesExporter exporter("/nonexistent-directory/spans.jsonl");
  ::testing::internal::CaptureStderr();
  const ExportResult first = exporter.export_batch(*GoldenTrace::get().batch());
  const ExportResult second = exporter.export_batch(*GoldenTrace::get().batch());
  const std::string stderr_text = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(first.code, ExportResult::Code::kPermanent);
  EXPECT_EQ(second.code, ExportResult::Code::kPermanent);
  EXPECT_EQ(stderr_text,
            "zspan: JSON Lines exporter could not write spans: /nonexistent-directory/spans.jsonl: No such file or "
            "directory\n")
      << "one line: the second is held back by the rate limit";
}

TEST(JsonLines, ThroughATracer) {
  std::ostringstream out;
  {
    Tracer<AlwaysOnSampler, JsonLinesExporter> tracer{"checkout", {}, out};
    {
      TRACE_SCOPE_WITH(tracer, "outer");
      TRACE_SCOPE("inner");
    }
    ASSERT_TRUE(tracer.flush());
  }
  const auto lines = parse_lines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["name"], "inner");
  EXPECT_EQ(lines[1]["name"], "outer");
  EXPECT_EQ(lines[0]["parent_span_id"], lines[1]["span_id"]);
  EXPECT_EQ(lines[0]["service"], "checkout");
}

}  // namespace
}  // namespace zspan::testing
