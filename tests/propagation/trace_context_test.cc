#include "trace/propagation/trace_context.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace zspan {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

SpanContext extract_w3c(const Headers& headers) {
  SpanContext ctx;
  TraceContextPropagator{}.extract(headers, ctx);
  return ctx;
}

TEST(TraceParent, ParsesVersion00) {
  auto p = parse_traceparent(kValid);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->trace_id, (TraceId{0x4bf92f3577b34da6, 0xa3ce929d0e0e4736}));
  EXPECT_EQ(p->parent_id, SpanId{0x00f067aa0ba902b7});
  EXPECT_TRUE(p->flags.sampled());
}

TEST(TraceParent, RejectsWhatTheSpecRejects) {
  for (const char* bad : {
           "",
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // version ff
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",  // 00 is exactly 55
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like",
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // zero parent id
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
           "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",     // too short
           "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",  // future: flags then "-" only
       })
    EXPECT_FALSE(parse_traceparent(bad)) << bad;
}

TEST(TraceParent, FutureVersionsParseLeniently) {
  auto p = parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->flags.sampled());
  EXPECT_TRUE(parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"));
}

TEST(TraceParent, OptionalWhiteSpaceIsTrimmed) { EXPECT_TRUE(parse_traceparent(std::string(" \t") + kValid + "\t ")); }

TEST(TraceParent, FormatRoundTripsAndZeroesUnknownFlags) {
  auto p = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff");
  ASSERT_TRUE(p);
  char out[kTraceParentSize];
  format_traceparent(p->trace_id, p->parent_id, p->flags, out);
  EXPECT_EQ(std::string_view(out, kTraceParentSize), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
}

TEST(TraceContextPropagator, ExtractIsCaseInsensitiveAndMarksRemote) {
  std::map<std::string, std::string> headers{{"TraceParent", kValid}, {"TRACESTATE", "congo=t61rcWkgMzE"}};
  SpanContext ctx;
  TraceContextPropagator{}.extract(headers, ctx);
  ASSERT_TRUE(ctx.valid());
  EXPECT_TRUE(ctx.remote);
  ASSERT_TRUE(ctx.trace_state);
  EXPECT_EQ(ctx.trace_state->members().at(0).key, "congo");
}

TEST(TraceContextPropagator, DuplicatedTraceparentStartsANewTrace) {
  EXPECT_FALSE(extract_w3c({{"traceparent", kValid}, {"traceparent", kValid}}).valid());
}

TEST(TraceContextPropagator, InvalidTraceparentIgnoresTracestate) {
  SpanContext ctx = extract_w3c({{"traceparent", "ff-x"}, {"tracestate", "a=b"}});
  EXPECT_FALSE(ctx.valid());
  EXPECT_FALSE(ctx.trace_state);
}

TEST(TraceState, SplitOverLinesIsOneList) {
  SpanContext ctx = extract_w3c({{"traceparent", kValid}, {"tracestate", "a=1, ,\tb=2"}, {"tracestate", ""},
                                 {"tracestate", "c@vendor=3"}});
  ASSERT_TRUE(ctx.trace_state);
  EXPECT_EQ(format_tracestate(*ctx.trace_state), "a=1,b=2,c@vendor=3");
}

TEST(TraceState, KeyAndValueGrammar) {
  auto parse = [](std::string s) {
    std::string_view line = s;
    return bool(parse_tracestate(std::span(&line, 1)));
  };
  EXPECT_TRUE(parse("foo=bar"));
  EXPECT_TRUE(parse("t" + std::string(255, 'k') + "=v"));   // 256
  EXPECT_FALSE(parse("t" + std::string(256, 'k') + "=v"));  // 257
  EXPECT_TRUE(parse(std::string(241, 't') + "@" + std::string(14, 's') + "=v"));
  EXPECT_FALSE(parse(std::string(242, 't') + "@s=v"));
  EXPECT_FALSE(parse("t@" + std::string(15, 's') + "=v"));
  EXPECT_TRUE(parse("k=" + std::string(256, 'v')));
  EXPECT_FALSE(parse("k=" + std::string(257, 'v')));
  for (const char* bad : {"Foo=1", "1foo=1", "foo@=1", "@foo=1", "foo@1bar=1", "foo", "foo=", "foo=a=b", "foo=\x01",
                          "foo=1,foo=2", "foo.bar=1"})
    EXPECT_FALSE(parse(bad)) << bad;
}

TEST(TraceState, AtMost32Members) {
  std::string list;
  for (int i = 1; i <= 32; ++i) list += (i > 1 ? ",k" : "k") + std::to_string(i) + "=v";
  EXPECT_TRUE(extract_w3c({{"traceparent", kValid}, {"tracestate", list}}).trace_state);
  SpanContext ctx = extract_w3c({{"traceparent", kValid}, {"tracestate", list + ",k33=v"}});
  EXPECT_TRUE(ctx.valid());
  EXPECT_FALSE(ctx.trace_state);
}

}  // namespace
}  // namespace zspan
