#include "zspan/trace/propagation/trace_context.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
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

// Every byte value at every hex position of the ids and flags: lower-case hex parses
// to its value, anything else rejects the header (§3.2.2.3, §3.2.2.4, §3.2.2.5).
TEST(TraceParent, EachHexPositionTakesExactlyLowerCaseHex) {
  const std::string_view hex = "0123456789abcdef";
  for (std::size_t at = 3; at < kTraceParentSize; ++at) {
    if (at == 35 || at == 52) continue;
    for (int byte = 0; byte < 256; ++byte) {
      std::string value = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      value[at] = static_cast<char>(byte);
      const std::optional<TraceParent> p = parse_traceparent(value);
      const std::size_t digit = hex.find(static_cast<char>(byte));
      ASSERT_EQ(p.has_value(), digit != std::string_view::npos) << "byte " << byte << " at " << at;
      if (!p) continue;
      char out[kTraceParentSize];
      format_traceparent(p->trace_id, p->parent_id, TraceFlags{}, out);
      if (at < 53) EXPECT_EQ(out[at], static_cast<char>(byte)) << at;
      else EXPECT_EQ(p->flags.bits, (at == 53 ? digit << 4 | 1 : digit) & TraceFlags::kW3C) << at;  // known flags only
    }
  }
}

TEST(TraceParent, OptionalWhiteSpaceIsTrimmed) { EXPECT_TRUE(parse_traceparent(std::string(" \t") + kValid + "\t ")); }

TEST(TraceParent, FormatRoundTripsAndZeroesUnknownFlags) {
  auto p = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff");
  ASSERT_TRUE(p);
  char out[kTraceParentSize];
  format_traceparent(p->trace_id, p->parent_id, p->flags, out);
  EXPECT_EQ(std::string_view(out, kTraceParentSize), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
}

// Level 2 §3.2.2.5: `random` (0x02) is read and passed on; no header can force a trace
// (zspan's kForced bit is not a W3C flag).
TEST(TraceParent, RandomFlagIsKeptAndNoOtherFlagIsRead) {
  auto p = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->flags.random());
  EXPECT_FALSE(p->flags.sampled());
  char out[kTraceParentSize];
  format_traceparent(p->trace_id, p->parent_id, p->flags, out);
  EXPECT_EQ(std::string_view(out, kTraceParentSize), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02");
  p = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-81");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->flags.forced());
  EXPECT_EQ(p->flags.bits, TraceFlags::kSampled);
  format_traceparent(p->trace_id, p->parent_id, TraceFlags{}.with_forced(), out);
  EXPECT_EQ(std::string_view(out + 53, 2), "01");  // forced goes out as sampled
}

TEST(TraceContextPropagator, ExtractIsCaseInsensitiveAndMarksRemote) {
  std::map<std::string, std::string> headers{{"TraceParent", kValid}, {"TRACESTATE", "congo=t61rcWkgMzE"}};
  SpanContext ctx;
  TraceContextPropagator{}.extract(headers, ctx);
  ASSERT_TRUE(ctx.valid());
  EXPECT_TRUE(ctx.remote);
  ASSERT_TRUE(ctx.trace_state);
  ASSERT_EQ(ctx.trace_state->members().size(), 1u);
  EXPECT_EQ(ctx.trace_state->members()[0].key, "congo");
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
  EXPECT_EQ(ctx.trace_state->header_value(), "a=1,b=2,c@vendor=3");
}

// A repeated key is deduplicated, keeping its first (left-most) member, and counted;
// the rest of the list is passed on, not dropped whole.
TEST(TraceState, DuplicateKeysKeepTheFirstMemberAcrossLines) {
  const std::uint64_t before = propagation_drops().tracestate_duplicates;
  SpanContext ctx = extract_w3c({{"traceparent", kValid}, {"tracestate", "a=1,b=2,a=3"}, {"tracestate", "b=4,c=5"}});
  ASSERT_TRUE(ctx.trace_state);
  EXPECT_EQ(ctx.trace_state->header_value(), "a=1,b=2,c=5");
  EXPECT_EQ(propagation_drops().tracestate_duplicates, before + 1);
  Headers out;
  TraceContextPropagator{}.inject(ctx, out);
  EXPECT_EQ(out, (Headers{{"traceparent", kValid}, {"tracestate", "a=1,b=2,c=5"}}));
  // Duplicates do not count towards the 32 members.
  std::string half;
  for (int i = 1; i <= 16; ++i) half += "k" + std::to_string(i) + "=v,";
  ctx = extract_w3c({{"traceparent", kValid}, {"tracestate", half}, {"tracestate", half + "x=1"}});
  ASSERT_TRUE(ctx.trace_state);
  EXPECT_EQ(ctx.trace_state->members().size(), 17u);
}

TEST(TraceState, TheMemberLimitSpansLines) {
  std::string first, second;
  for (int i = 1; i <= 16; ++i) first += "k" + std::to_string(i) + "=v,";
  for (int i = 17; i <= 32; ++i) second += "k" + std::to_string(i) + "=v,";
  EXPECT_TRUE(extract_w3c({{"traceparent", kValid}, {"tracestate", first}, {"tracestate", second}}).trace_state);
  EXPECT_FALSE(extract_w3c({{"traceparent", kValid}, {"tracestate", first}, {"tracestate", second + "x=1"}}).trace_state);
}

TEST(TraceState, OwnsItsBytes) {
  std::string line = "congo=t61rcWkgMzE , rojo=00f067aa0ba902b7";
  std::string_view view = line;
  const detail::SharedRef<const TraceState> state = parse_tracestate(std::span(&view, 1));
  line.assign(line.size(), 'x');
  ASSERT_TRUE(state);
  ASSERT_EQ(state->members().size(), 2u);
  EXPECT_EQ(state->members()[0].key, "congo");
  EXPECT_EQ(state->members()[0].value, "t61rcWkgMzE");
  EXPECT_EQ(state->members()[1].key, "rojo");
  EXPECT_EQ(state->members()[1].value, "00f067aa0ba902b7");
  EXPECT_EQ(state->header_value(), "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
}

TEST(TraceState, MakeFromMembers) {
  EXPECT_FALSE(TraceState::make({}));
  const TraceState::Member one[] = {{"a", "1"}};
  const detail::SharedRef<const TraceState> state = TraceState::make(one);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->header_value(), "a=1");
  EXPECT_NE(state->members()[0].key.data(), one[0].key.data());
}

TEST(TraceContextPropagator, InjectSendsTheHeaderValue) {
  std::string_view line = "a=1,\tb=2";
  SpanContext ctx = extract_w3c({{"traceparent", kValid}});
  ctx.trace_state = parse_tracestate(std::span(&line, 1));
  Headers out;
  TraceContextPropagator{}.inject(ctx, out);
  EXPECT_EQ(out, (Headers{{"traceparent", kValid}, {"tracestate", "a=1,b=2"}}));
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
  // Level 2 multi-tenant keys: the tenant may start with a digit, the system may not.
  EXPECT_TRUE(parse("0tenant@system=v"));
  EXPECT_TRUE(parse("t_-*/@s_-*/=v"));
  for (const char* bad : {"Foo=1", "1foo=1", "foo@=1", "@foo=1", "foo@1bar=1", "foo", "foo=", "foo=a=b", "foo=\x01",
                          "foo.bar=1", "a@b@c=1", "-foo=1", "foo@Bar=1"})
    EXPECT_FALSE(parse(bad)) << bad;
}

// Every byte value at every position of a 20-byte value (§3.3.1.3.2): an nblk-chr or a
// space is the value's, except that OWS ending the line is trimmed, and so is a comma
// that ends it (an empty list-member follows); anything else rejects the list.
TEST(TraceState, EachValuePositionTakesExactlyTheValueGrammar) {
  const std::string value = "t61rcWkgMzE~!#$%&'()";
  for (std::size_t at = 0; at < value.size(); ++at) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string mutated = value;
      mutated[at] = static_cast<char>(byte);
      const std::string line = "k=" + mutated;
      std::string_view view = line;
      const detail::SharedRef<const TraceState> state = parse_tracestate(std::span(&view, 1));
      const bool nblk = byte >= 0x21 && byte <= 0x7e && byte != ',' && byte != '=';
      const bool last = at + 1 == value.size();
      const bool trimmed = last && (byte == ' ' || byte == '\t' || byte == ',');
      ASSERT_EQ(bool(state), nblk || byte == ' ' || trimmed) << "byte " << byte << " at " << at;
      if (!state) continue;
      EXPECT_EQ(state->members()[0].value, trimmed ? mutated.substr(0, at) : mutated) << byte << " at " << at;
    }
  }
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
