// The golden trace is what it says: the reference every exporter is compared with,
// checked here against literals so that a mistake in decoding cannot hide in both sides.
#include "tests/exporters/golden/golden_trace.hpp"

#include <gtest/gtest.h>

#include "zspan/trace/export/otel.hpp"

namespace zspan::testing {
namespace {

const std::vector<SpanData>& spans() { return GoldenTrace::get().expected(); }

TEST(GoldenTrace, RootIsAServerSpanWithTagsAndALog) {
  const SpanData& root = spans()[0];
  EXPECT_EQ(root.name, "GET /users");
  EXPECT_EQ(root.service, "frontend");
  EXPECT_EQ(root.trace_id, GoldenTrace::kTraceId);
  EXPECT_FALSE(root.parent_id.valid());
  EXPECT_EQ(root.start_unix_nanos, GoldenTrace::kStartUnixNanos);
  EXPECT_EQ(root.end_unix_nanos, GoldenTrace::kStartUnixNanos + 5'000'000);
  ASSERT_NE(root.tag("http.status_code"), nullptr);
  EXPECT_EQ(std::get<std::int64_t>(root.tag("http.status_code")->value), 200);
  ASSERT_EQ(root.logs.size(), 1u);
  EXPECT_EQ(root.logs[0].unix_nanos, GoldenTrace::kStartUnixNanos + 1'000'000);
  EXPECT_EQ(std::get<std::string>(root.logs[0].field("cache.key")->value), "users:42");
}

TEST(GoldenTrace, AuthenticateCarriesEveryTagType) {
  const SpanData& auth = spans()[1];
  EXPECT_EQ(auth.parent_id, spans()[0].span_id);
  EXPECT_EQ(std::get<bool>(auth.tag("auth.ok")->value), true);
  EXPECT_EQ(std::get<std::int64_t>(auth.tag("auth.attempts")->value), -3);
  EXPECT_EQ(std::get<std::uint64_t>(auth.tag("auth.token_bits")->value), 18'446'744'073'709'551'615u);
  EXPECT_EQ(std::get<double>(auth.tag("auth.score")->value), 0.875);
  EXPECT_EQ(std::get<std::string>(auth.tag("auth.user")->value), "bob");
  EXPECT_EQ(std::get<std::string>(auth.tag("auth.realm")->value), "example.com/users");
  EXPECT_EQ(std::get<std::vector<bool>>(auth.tag("auth.flags")->value), (std::vector<bool>{true, false}));
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(auth.tag("auth.codes")->value), (std::vector<std::int64_t>{-1, 0, 42}));
  EXPECT_EQ(std::get<std::vector<std::uint64_t>>(auth.tag("auth.masks")->value),
            (std::vector<std::uint64_t>{0xffffffffffffffff, 7}));
  EXPECT_EQ(std::get<std::vector<double>>(auth.tag("auth.weights")->value), (std::vector<double>{0.5, -2.25}));
  EXPECT_EQ(std::get<std::vector<std::string>>(auth.tag("auth.roles")->value),
            (std::vector<std::string>{"admin", "a role longer than seven"}));
}

TEST(GoldenTrace, SelectFailedWithAMessageAndATruncatedStatement) {
  const SpanData& select = spans()[2];
  EXPECT_EQ(select.service, "backend");
  EXPECT_TRUE(select.error);
  const auto* statement = select.tag("db.statement");
  ASSERT_NE(statement, nullptr);
  EXPECT_TRUE(statement->truncated);
  EXPECT_EQ(std::get<std::string>(statement->value).size(), 128u);
  ASSERT_EQ(select.logs.size(), 1u);
  EXPECT_EQ(std::get<std::string>(select.logs[0].field("message")->value), "upstream returned 503");
}

TEST(GoldenTrace, SendEmailFollowsFromTheRoot) {
  EXPECT_EQ(spans()[3].parent_reference, Reference::kFollowsFrom);
  EXPECT_EQ(spans()[3].parent_id, spans()[0].span_id);
}

TEST(GoldenTrace, HandleHasARemoteParentALinkAndDroppedFields) {
  const SpanData& handle = spans()[4];
  EXPECT_TRUE(handle.remote_parent);
  EXPECT_EQ(handle.parent_id, GoldenTrace::kRemoteParent);
  ASSERT_EQ(handle.references.size(), 1u);
  EXPECT_EQ(handle.references[0].trace_id, GoldenTrace::kOtherTraceId);
  EXPECT_EQ(handle.references[0].kind, Reference::kFollowsFrom);
  EXPECT_EQ(handle.dropped_fields, 3u);
}

TEST(GoldenTrace, OddSpanHasNonAsciiAndControlCharacters) {
  const SpanData& odd = spans()[5];
  EXPECT_EQ(odd.name, "naïve \"quoted\"\n\ttab");
  EXPECT_EQ(std::get<std::string>(odd.tag("note")->value), "héllo \"ünïcode\" ✓\\ \x01\x1f\n\r\t end");
  EXPECT_EQ(std::get<std::string>(odd.logs[0].field("message")->value), "line1\nline2 \"q\" \x7f ✓");
}

TEST(GoldenTrace, DispatchIsNamedAndTaggedAtRunTime) {
  const SpanData& dispatch = spans()[6];
  EXPECT_EQ(dispatch.name, "POST /orders/:id") << "the last name given";
  EXPECT_EQ(dispatch.callsite->name, "dispatch");
  ASSERT_EQ(dispatch.tags.size(), 2u) << "the names are no tags";
  EXPECT_EQ(dispatch.tags[0].key, "config.tier");
  EXPECT_EQ(std::get<std::string>(dispatch.tags[0].value), "gold");
  EXPECT_EQ(dispatch.tags[1].key, "config.quota");
  EXPECT_EQ(std::get<std::int64_t>(dispatch.tags[1].value), 42);
  ASSERT_EQ(dispatch.logs.size(), 1u);
  EXPECT_EQ(std::get<std::string>(dispatch.logs[0].field("retry.reason")->value), "route not matched yet");
  EXPECT_EQ(dispatch.dropped_fields, 0u);
}

TEST(GoldenTrace, OpenTelemetryMappingOfEachSpan) {
  auto batch = GoldenTrace::get().batch();
  const otel::SpanSummary root = otel::summarize((*batch)[0]);
  EXPECT_EQ(root.kind, otel::SpanKind::kServer);
  EXPECT_EQ(root.status, otel::StatusCode::kUnset);
  EXPECT_EQ(root.attributes, 3u) << "span.kind is the kind, not an attribute";
  EXPECT_EQ(root.events, 1u);
  const otel::SpanSummary select = otel::summarize((*batch)[2]);
  EXPECT_EQ(select.kind, otel::SpanKind::kClient);
  EXPECT_EQ(select.status, otel::StatusCode::kError);
  EXPECT_EQ(select.status_message, "upstream returned 503");
  EXPECT_EQ(otel::summarize((*batch)[3]).links, 1u) << "followsFrom parent";
  const otel::SpanSummary handle = otel::summarize((*batch)[4]);
  EXPECT_EQ(handle.links, 1u);
  EXPECT_EQ(handle.dropped_attributes, 3u);

  std::vector<std::string> keys;
  otel::for_each_attribute((*batch)[0], [&](std::string_view key, const auto&) { keys.emplace_back(key); });
  EXPECT_EQ(keys, (std::vector<std::string>{"http.request.method", "http.response.status_code", "component"}));
  std::string event_name;
  otel::for_each_event((*batch)[0], [&](const otel::Event& e) {
    event_name = e.name;
    std::vector<std::string> attrs;
    e.for_each_attribute([&](std::string_view key, const auto&) { attrs.emplace_back(key); });
    EXPECT_EQ(attrs, (std::vector<std::string>{"cache.key"})) << "the event field is the name";
    EXPECT_EQ(e.unix_nanos, GoldenTrace::kStartUnixNanos + 1'000'000);
  });
  EXPECT_EQ(event_name, "cache miss");
  std::vector<otel::Link> links;
  otel::for_each_link((*batch)[4], [&](const otel::Link& l) { links.push_back(l); });
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].trace_id, GoldenTrace::kOtherTraceId);
  EXPECT_EQ(otel::ref_type(links[0].reference), "follows_from");

  const otel::SpanSummary dispatch = otel::summarize((*batch)[6]);
  EXPECT_EQ(dispatch.attributes, 2u);
  EXPECT_EQ(dispatch.events, 1u);
  keys.clear();
  otel::for_each_attribute((*batch)[6], [&](std::string_view key, const auto&) { keys.emplace_back(key); });
  EXPECT_EQ(keys, (std::vector<std::string>{"config.tier", "config.quota"}));
  EXPECT_EQ((*batch)[6].name(), "POST /orders/:id");
}

}  // namespace
}  // namespace zspan::testing
