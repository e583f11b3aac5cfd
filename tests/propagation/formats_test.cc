// Baggage, B3, Jaeger, the composite and run-time propagators, and the carriers.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "zspan/trace/propagation/b3.hpp"
#include "zspan/trace/propagation/configured_propagator.hpp"
#include "zspan/trace/propagation/jaeger.hpp"
#include "zspan/trace/propagation/propagator.hpp"
#include "zspan/trace/propagation/w3c_baggage.hpp"

namespace zspan {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
const TraceId kTrace{0x80f198ee56343ba8, 0x64fe8b2a57d3eff7};
const SpanId kSpan{0xe457b5a2e4d86bd1};

SpanContext sampled_context() {
  SpanContext ctx;
  ctx.trace_id = kTrace;
  ctx.span_id = kSpan;
  ctx.flags = TraceFlags{}.with_sampled(true);
  return ctx;
}

std::string header(const Headers& h, std::string_view name) {
  for (const auto& [n, v] : h)
    if (header_name_equals(n, name)) return v;
  return "<absent>";
}

template <class P>
SpanContext extract_with(const Headers& headers, const P& p = {}) {
  SpanContext ctx;
  p.extract(headers, ctx);
  return ctx;
}

// The baggage one header line carries.
std::vector<Baggage::Entry> parsed(std::string_view line) {
  BaggageBuilder baggage(nullptr);
  parse_baggage(line, baggage);
  const detail::SharedRef<const Baggage> built = std::move(baggage).build();
  return built ? built->entries() : std::vector<Baggage::Entry>{};
}

TEST(W3CBaggage, ParsesDecodesAndKeepsProperties) {
  const std::vector<Baggage::Entry> entries =
      parsed("userId=alice, serverNode = DF%2028 ,isProduction=false;ttl=5;secret, bad key=1,k=%zz");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].key, "serverNode");
  EXPECT_EQ(entries[1].value, "DF 28");
  EXPECT_EQ(entries[2].metadata, "ttl=5;secret");
}

TEST(W3CBaggage, RoundTripsThroughTheHeader) {
  SpanContext ctx = sampled_context();
  ctx.baggage = detail::SharedRef<const Baggage>::make(
      std::vector<Baggage::Entry>{{"user", "a b,c;d%", ""}, {"tier", "gold", "ttl=5"}});
  Headers headers;
  W3CBaggagePropagator{}.inject(ctx, headers);
  EXPECT_EQ(header(headers, "baggage"), "user=a%20b%2Cc%3Bd%25,tier=gold;ttl=5");
  SpanContext back = extract_with<W3CBaggagePropagator>(headers);
  ASSERT_TRUE(back.baggage);
  EXPECT_EQ(back.baggage->find("user"), "a b,c;d%");
  EXPECT_FALSE(back.valid());  // baggage alone carries no ids
}

TEST(W3CBaggage, EnforcesTheMemberLimit) {
  std::string line;
  for (std::size_t i = 0; i <= kBaggageMaxEntries; ++i) line += "k" + std::to_string(i) + "=v,";
  const std::uint64_t dropped = propagation_drops().baggage_dropped;
  EXPECT_EQ(parsed(line).size(), kBaggageMaxEntries);
  EXPECT_EQ(propagation_drops().baggage_dropped, dropped + 1);
}

TEST(W3CBaggage, EnforcesTheByteLimit) {
  const std::string value(4000, 'v');
  EXPECT_EQ(parsed("a=" + value + ",b=" + value + ",c=" + value).size(), 2u);
}

// W3C Baggage §3.3.2 Limits: a context's baggage keeps at most kBaggageMaxEntries members
// and kBaggageMaxBytes of baggage-string, whatever format brought it and however many
// header lines; members beyond them are left out whole, and counted.
TEST(BaggageLimits, ABaggageStringOfExactly8192BytesIsKeptWhole) {
  const std::string line = "a=" + std::string(4094, 'v') + ",b=" + std::string(4093, 'v');
  ASSERT_EQ(line.size(), kBaggageMaxBytes);
  const SpanContext ctx = extract_with<W3CBaggagePropagator>({{"baggage", line}});
  ASSERT_TRUE(ctx.baggage);
  EXPECT_EQ(ctx.baggage->entries().size(), 2u);
}

TEST(BaggageLimits, HoldForAllBaggageHeaderLinesTogether) {
  Headers headers;
  for (int i = 0; i < 500; ++i) headers.emplace_back("baggage", "k" + std::to_string(i) + "=" + std::string(4000, 'v'));
  const std::uint64_t dropped = propagation_drops().baggage_dropped;
  const SpanContext ctx = extract_with<W3CBaggagePropagator>(headers);
  ASSERT_TRUE(ctx.baggage);
  EXPECT_EQ(ctx.baggage->entries().size(), 2u);
  EXPECT_EQ(propagation_drops().baggage_dropped, dropped + 498);
}

TEST(BaggageLimits, HoldForJaegerBaggageHeaders) {
  const std::uint64_t dropped = propagation_drops().baggage_dropped;
  Headers oversized;  // each member over kBaggageMaxEntryBytes
  for (int i = 0; i < 64; ++i) oversized.emplace_back("uberctx-k" + std::to_string(i), std::string(64 * 1024, 'v'));
  EXPECT_FALSE(extract_with<JaegerPropagator>(oversized).baggage);
  EXPECT_EQ(propagation_drops().baggage_dropped, dropped + 64);

  Headers large;
  for (int i = 0; i < 3; ++i) large.emplace_back("uberctx-k" + std::to_string(i), std::string(4000, 'v'));
  const SpanContext two = extract_with<JaegerPropagator>(large);
  ASSERT_TRUE(two.baggage);
  EXPECT_EQ(two.baggage->entries().size(), 2u);

  Headers many;
  for (std::size_t i = 0; i <= kBaggageMaxEntries; ++i) many.emplace_back("uberctx-k" + std::to_string(i), "v");
  many.emplace_back("uberctx-k0", "replaced");  // a key already there takes no new place
  const SpanContext full = extract_with<JaegerPropagator>(many);
  ASSERT_TRUE(full.baggage);
  EXPECT_EQ(full.baggage->entries().size(), kBaggageMaxEntries);
  EXPECT_EQ(full.baggage->find("k0"), "replaced");
}

TEST(BaggageLimits, HoldForTheContextAcrossFormats) {
  Headers headers;
  for (int i = 0; i < 40; ++i) {
    headers.emplace_back("baggage", "w" + std::to_string(i) + "=v");
    headers.emplace_back("uberctx-j" + std::to_string(i), "v");
  }
  const SpanContext ctx = extract(headers, Composite<W3CBaggagePropagator, JaegerPropagator>{});
  ASSERT_TRUE(ctx.baggage);
  EXPECT_EQ(ctx.baggage->entries().size(), kBaggageMaxEntries);
  EXPECT_EQ(ctx.baggage->find("w39"), "v");  // the formats in order: W3C's 40, then Jaeger's first 24
  EXPECT_EQ(ctx.baggage->find("j23"), "v");
  EXPECT_EQ(ctx.baggage->find("j24"), std::nullopt);
}

// Bytes and members of the uberctx-* headers, counted as the baggage-string they carry.
std::pair<std::size_t, std::size_t> jaeger_baggage_size(const Headers& headers) {
  std::size_t members = 0, bytes = 0;
  for (const auto& [name, value] : headers) {
    if (!header_name_starts_with(name, kUberBaggagePrefix)) continue;
    bytes += (members++ == 0 ? 0 : 1) + name.size() - kUberBaggagePrefix.size() + 1 + value.size();
  }
  return {members, bytes};
}

TEST(BaggageLimits, AnInjectWritesNoMoreWhateverThePercentEncoding) {
  // '(' is a W3C baggage-octet but not a header-name token character: Jaeger sends it as
  // %28, so a member of 1303 bytes in a baggage header takes 3903 as a uberctx header.
  std::vector<Baggage::Entry> entries;
  for (int i = 0; i < 4; ++i) entries.push_back({"k" + std::to_string(i), std::string(1300, '('), ""});
  SpanContext ctx = sampled_context();
  ctx.baggage = detail::SharedRef<const Baggage>::make(std::move(entries));
  const std::uint64_t dropped = propagation_drops().baggage_dropped;
  Headers headers;
  inject(ctx, headers, Composite<W3CBaggagePropagator, JaegerPropagator>{});
  EXPECT_EQ(header(headers, "baggage").size(), 4 * 1303 + 3);
  EXPECT_EQ(jaeger_baggage_size(headers), std::make_pair(std::size_t{2}, std::size_t{2 * 3903 + 1}));
  EXPECT_EQ(propagation_drops().baggage_dropped, dropped + 2);
}

TEST(BaggageLimits, AnInjectWritesNoMoreMembersThanTheLimit) {
  std::vector<Baggage::Entry> entries;
  for (int i = 0; i < 100; ++i) entries.push_back({"k" + std::to_string(i), "v", ""});
  SpanContext ctx = sampled_context();
  ctx.baggage = detail::SharedRef<const Baggage>::make(std::move(entries));
  const std::uint64_t dropped = propagation_drops().baggage_dropped;
  Headers headers;
  inject(ctx, headers, Composite<W3CBaggagePropagator, JaegerPropagator>{});
  EXPECT_EQ(parsed(header(headers, "baggage")).size(), kBaggageMaxEntries);
  EXPECT_EQ(jaeger_baggage_size(headers).first, kBaggageMaxEntries);
  EXPECT_EQ(propagation_drops().baggage_dropped, dropped + 2 * (100 - kBaggageMaxEntries));
}

TEST(B3, SingleHeader) {
  auto b3 = parse_b3_single("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90");
  ASSERT_TRUE(b3);
  EXPECT_EQ(b3->trace_id, kTrace);
  EXPECT_TRUE(b3->flags.sampled());
  EXPECT_FALSE(b3->flags.forced());
  auto b64 = parse_b3_single("64fe8b2a57d3eff7-e457b5a2e4d86bd1-d");
  ASSERT_TRUE(b64);
  EXPECT_EQ(b64->trace_id, (TraceId{0, 0x64fe8b2a57d3eff7}));
  EXPECT_TRUE(b64->flags.sampled());  // debug: forced, so sampled
  EXPECT_TRUE(b64->flags.forced());
  EXPECT_FALSE(parse_b3_single("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1")->flags.sampled());  // deferred
  for (const char* bad : {"0", "1", "d", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-2",
                          "80F198EE56343BA864FE8B2A57D3EFF7-e457b5a2e4d86bd1-1", "abc-e457b5a2e4d86bd1-1",
                          "00000000000000000000000000000000-e457b5a2e4d86bd1-1",
                          "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-xyz"})
    EXPECT_FALSE(parse_b3_single(bad)) << bad;
}

TEST(B3, MultiHeaderAndPrecedence) {
  Headers multi{{"X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7"},
                {"X-B3-SpanId", "e457b5a2e4d86bd1"},
                {"X-B3-Sampled", "1"}};
  SpanContext ctx = extract_with<B3Propagator<B3Encoding::kSingle>>(multi);
  EXPECT_EQ(ctx.trace_id, kTrace);
  EXPECT_TRUE(ctx.sampled());
  multi.push_back({"b3", "0000000000000001-0000000000000002-0"});
  ctx = extract_with<B3Propagator<B3Encoding::kMulti>>(multi);
  EXPECT_EQ(ctx.span_id, SpanId{2});  // the single header wins
  EXPECT_FALSE(ctx.sampled());
  const SpanContext debug = extract_with<B3Propagator<B3Encoding::kMulti>>(
      {{"x-b3-traceid", "64fe8b2a57d3eff7"}, {"x-b3-spanid", "e457b5a2e4d86bd1"}, {"x-b3-flags", "1"}});
  EXPECT_TRUE(debug.sampled());
  EXPECT_TRUE(debug.flags.forced());
  EXPECT_FALSE(extract_with<B3Propagator<B3Encoding::kMulti>>(multi).flags.forced());
}

// "Debug is encoded as X-B3-Flags: 1. Debug implies an accept decision, so don't also
// send the X-B3-Sampled header"; single header: the sampling state "d".
TEST(B3, DebugIsPassedOnAsDebug) {
  SpanContext forced = sampled_context();
  forced.flags = forced.flags.with_forced();
  Headers single, multi;
  B3Propagator<B3Encoding::kSingle>{}.inject(forced, single);
  B3Propagator<B3Encoding::kMulti>{}.inject(forced, multi);
  EXPECT_EQ(header(single, "b3"), "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d");
  EXPECT_EQ(header(multi, "x-b3-flags"), "1");
  EXPECT_EQ(header(multi, "x-b3-sampled"), "<absent>");
  EXPECT_TRUE(extract_with<B3Propagator<B3Encoding::kSingle>>(single).flags.forced());
  EXPECT_TRUE(extract_with<B3Propagator<B3Encoding::kMulti>>(multi).flags.forced());
}

// OpenTelemetry's propagator tests: a context that is not sampled goes out with a span
// id of its own (zspan::inject mints it), the trace id and the decision unchanged.
TEST(NotSampled, EveryFormatSendsASpanIdOfItsOwn) {
  SpanContext ctx = sampled_context();
  ctx.flags = TraceFlags{};
  const auto sent_span_id = [&](auto propagator) {
    Headers headers;
    inject(ctx, headers, propagator);
    const SpanContext back = extract_with<decltype(propagator)>(headers);
    EXPECT_EQ(back.trace_id, kTrace);
    EXPECT_EQ(back.sampled(), ctx.sampled());
    EXPECT_TRUE(back.span_id.valid());
    return back.span_id;
  };
  EXPECT_NE(sent_span_id(TraceContextPropagator{}), kSpan);
  EXPECT_NE(sent_span_id(B3Propagator<B3Encoding::kSingle>{}), kSpan);
  EXPECT_NE(sent_span_id(B3Propagator<B3Encoding::kMulti>{}), kSpan);
  EXPECT_NE(sent_span_id(JaegerPropagator{}), kSpan);
  // A sampled context sends its own span id as it is.
  ctx = sampled_context();
  EXPECT_EQ(sent_span_id(TraceContextPropagator{}), kSpan);
}

TEST(B3, Inject) {
  Headers single, multi;
  B3Propagator<B3Encoding::kSingle>{}.inject(sampled_context(), single);
  B3Propagator<B3Encoding::kMulti>{}.inject(sampled_context(), multi);
  EXPECT_EQ(header(single, "b3"), "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1");
  EXPECT_EQ(header(multi, "x-b3-traceid"), "80f198ee56343ba864fe8b2a57d3eff7");
  EXPECT_EQ(header(multi, "x-b3-spanid"), "e457b5a2e4d86bd1");
  EXPECT_EQ(header(multi, "x-b3-sampled"), "1");
}

TEST(Jaeger, ParsesShortAndEncodedIds) {
  auto j = parse_uber_trace_id("64fe8b2a57d3eff7%3Ae457b5a2e4d86bd1%3a0%3A3");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->trace_id, (TraceId{0, 0x64fe8b2a57d3eff7}));
  EXPECT_TRUE(j->flags.sampled());  // debug: forced, so sampled
  EXPECT_TRUE(j->flags.forced());
  EXPECT_TRUE(parse_uber_trace_id("1:2:0:2")->flags.forced());  // debug without sampled
  auto k = parse_uber_trace_id("1:2:0:0");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->trace_id, (TraceId{0, 1}));
  EXPECT_FALSE(k->flags.sampled());
  EXPECT_FALSE(k->flags.forced());
  EXPECT_EQ(parse_uber_trace_id("180f198ee56343ba864fe8b2a57d3eff7:1:0:1"), std::nullopt);  // 33 digits
  for (const char* bad : {"", "0:1:0:1", "1:0:0:1", "1:1:0", "1:1:0:1:1", "1:1:0:100", "x:1:0:1", "1::0:1"})
    EXPECT_FALSE(parse_uber_trace_id(bad)) << bad;
}

TEST(Jaeger, RoundTripWithBaggage) {
  SpanContext ctx = sampled_context();
  ctx.baggage = detail::SharedRef<const Baggage>::make(std::vector<Baggage::Entry>{{"user-id", "alice smith", ""}});
  Headers headers;
  JaegerPropagator{}.inject(ctx, headers);
  EXPECT_EQ(header(headers, "uber-trace-id"), "80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:01");
  EXPECT_EQ(header(headers, "uberctx-user-id"), "alice%20smith");
  headers.push_back({"UberCtx-Tier", "gold"});
  SpanContext back = extract_with<JaegerPropagator>(headers);
  EXPECT_EQ(back.trace_id, kTrace);
  EXPECT_TRUE(back.sampled());
  ASSERT_TRUE(back.baggage);
  EXPECT_EQ(back.baggage->find("user-id"), "alice smith");
  EXPECT_EQ(back.baggage->find("tier"), "gold");
}

TEST(Jaeger, DebugIsPassedOnAsDebug) {
  SpanContext forced = sampled_context();
  forced.flags = forced.flags.with_forced();
  Headers headers;
  JaegerPropagator{}.inject(forced, headers);
  EXPECT_EQ(header(headers, "uber-trace-id"), "80f198ee56343ba864fe8b2a57d3eff7:e457b5a2e4d86bd1:0:03");
  EXPECT_TRUE(extract_with<JaegerPropagator>(headers).flags.forced());
}

TEST(Composite, InjectsAllAndLaterValidFormatsWin) {
  using P = Composite<TraceContextPropagator, JaegerPropagator, W3CBaggagePropagator>;
  Headers headers;
  inject(sampled_context(), headers, P{});
  EXPECT_NE(header(headers, "traceparent"), "<absent>");
  EXPECT_NE(header(headers, "uber-trace-id"), "<absent>");
  Headers mixed{{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
                {"uber-trace-id", "garbage"},
                {"baggage", "a=1"}};
  SpanContext ctx = extract(mixed, P{});
  EXPECT_EQ(ctx.trace_id, (TraceId{0x4bf92f3577b34da6, 0xa3ce929d0e0e4736}));
  ASSERT_TRUE(ctx.baggage);
  EXPECT_EQ(ctx.baggage->find("a"), "1");
}

TEST(ConfiguredPropagator, NamesFromOtelPropagators) {
  auto p = ConfiguredPropagator::parse(" B3multi , jaeger,xray,b3multi");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0], PropagationFormat::kB3Multi);
  EXPECT_EQ(p[1], PropagationFormat::kJaeger);
  EXPECT_EQ(ConfiguredPropagator::parse("none").size(), 0u);
  EXPECT_EQ(ConfiguredPropagator::parse("").size(), 2u);         // tracecontext,baggage
  EXPECT_EQ(ConfiguredPropagator::parse("bogus,,").size(), 2u);  // unusable: the default
  Headers headers;
  inject(sampled_context(), headers, ConfiguredPropagator::parse("b3multi"));
  EXPECT_EQ(header(headers, "x-b3-sampled"), "1");
  EXPECT_EQ(header(headers, "traceparent"), "<absent>");
}

TEST(ConfiguredPropagator, InstalledIsTheDefaultUntilConfigureInstallsAnother) {
  const ConfiguredPropagator& installed = ConfiguredPropagator::installed();
  ASSERT_EQ(installed.size(), 2u);
  EXPECT_EQ(installed[0], PropagationFormat::kTraceContext);
  EXPECT_EQ(installed[1], PropagationFormat::kBaggage);
  ConfiguredPropagator::install(ConfiguredPropagator::parse("jaeger"));
  ASSERT_EQ(installed.size(), 1u);  // the same object, now holding the new formats
  EXPECT_EQ(installed[0], PropagationFormat::kJaeger);
  ConfiguredPropagator::install({});
}

TEST(Carriers, MapsVectorsAndCallbacks) {
  std::unordered_map<std::string, std::string> umap;
  inject(sampled_context(), umap);
  EXPECT_EQ(extract(umap).trace_id, kTrace);

  std::map<std::string, std::string> map{{"Traceparent", "stale"}};
  inject(sampled_context(), map);  // a map keeps both spellings: the exact name is set
  EXPECT_FALSE(extract(map).valid());  // ... and the duplicate is refused on the way in

  Headers vec{{"Traceparent", "stale"}};
  inject(sampled_context(), vec);  // a vector of pairs replaces any spelling
  EXPECT_EQ(vec.size(), 1u);
  EXPECT_EQ(extract(vec).trace_id, kTrace);

  std::vector<std::pair<std::string, std::string>> store;
  auto carrier = callback_carrier(
      [&](auto&& on_header) {
        for (auto& [n, v] : store) on_header(n, v);
      },
      [&](std::string_view n, std::string_view v) { store.emplace_back(n, v); });
  inject(sampled_context(), carrier);
  EXPECT_EQ(extract(carrier).span_id, kSpan);
}

}  // namespace
}  // namespace zspan
