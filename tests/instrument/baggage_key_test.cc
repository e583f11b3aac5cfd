// Typed baggage: BaggageKey<"name", T>, its text form, and what a read makes of a peer's value.
#include "zspan/instrument/baggage_key.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "zspan/exporters/memory/memory_exporter.hpp"
#include "zspan/instrument/remote.hpp"
#include "zspan/instrument/zspan.hpp"

namespace {

using zspan::BaggageResult;
using Tracer = zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter>;
using Headers = std::map<std::string, std::string>;

constexpr zspan::BaggageKey<"tenant", std::string_view> tenant;
constexpr zspan::BaggageKey<"retries", std::int64_t> retries;
constexpr zspan::BaggageKey<"canary", bool> canary;
constexpr zspan::BaggageKey<"a!#$%&'*+-.^_`|~9", bool> every_token_character;

constexpr zspan::Callsite kSpan{"span", "test", __FILE__, __LINE__, zspan::Level::kInfo};

// The entry as the Baggage holds it, which is what propagators send.
std::optional<std::string> text_of(std::string_view key) {
  auto value = zspan::baggage_get(key);
  return value ? std::optional<std::string>(*value) : std::nullopt;
}

TEST(BaggageKey, EachTypeIsSetAndReadBack) {
  Tracer tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "request");
  EXPECT_EQ(TRACE_BAGGAGE_SET(tenant, "acme"), BaggageResult::kOk);
  EXPECT_EQ(TRACE_BAGGAGE_SET(retries, 3), BaggageResult::kOk);
  EXPECT_EQ(TRACE_BAGGAGE_SET(canary, true), BaggageResult::kOk);
  EXPECT_EQ(TRACE_BAGGAGE_SET(every_token_character, false), BaggageResult::kOk);

  const std::optional<std::string_view> name = zspan::baggage_get(tenant);
  const std::optional<std::int64_t> count = zspan::baggage_get(retries);
  const std::optional<bool> flag = zspan::baggage_get(canary);
  EXPECT_EQ(name, "acme");
  EXPECT_EQ(count, 3);
  EXPECT_EQ(flag, true);
  EXPECT_EQ(zspan::baggage_get(every_token_character), false);
}

TEST(BaggageKey, DescendantsSeeItAcrossTracers) {
  Tracer frontend{"frontend"};
  Tracer backend{"backend"};
  TRACE_SCOPE_WITH(frontend, "request");
  EXPECT_EQ(zspan::baggage_set(retries, -2), BaggageResult::kOk);
  {
    TRACE_SCOPE_WITH(backend, "query");
    TRACE_SCOPE("fetch");
    EXPECT_EQ(zspan::baggage_get(retries), -2);
  }
  EXPECT_EQ(zspan::baggage_get(canary), std::nullopt);  // never set
}

TEST(BaggageKey, GuardsSetIt) {
  Tracer tracer{"svc"};
  zspan::Span span = zspan::Span::start(tracer, kSpan);
  EXPECT_EQ(span.set_baggage(canary, true), BaggageResult::kOk);
  {
    zspan::ActiveScope scope = span.make_current();
    EXPECT_EQ(zspan::baggage_get(canary), true);
  }
  span.end();
  EXPECT_EQ(span.set_baggage(canary, false), BaggageResult::kNoSpan);
  zspan::ScopedSpan scoped{tracer, kSpan};
  EXPECT_EQ(scoped.set_baggage(tenant, std::string("acme")), BaggageResult::kOk);
  EXPECT_EQ(zspan::baggage_get(tenant), "acme");
}

TEST(BaggageKey, WithoutASpanThereIsNothingToSetOrGet) {
  EXPECT_EQ(zspan::baggage_set(retries, 1), BaggageResult::kNoSpan);
  EXPECT_EQ(zspan::baggage_get(retries), std::nullopt);
}

TEST(BaggageKey, ValuesTakeWhatTagsOfTheirTypeTake) {
  Tracer tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "request");
  const std::string owned = "acme corp";
  const char* pointer = "beta";
  EXPECT_EQ(TRACE_BAGGAGE_SET(tenant, owned), BaggageResult::kOk);
  EXPECT_EQ(zspan::baggage_get(tenant), "acme corp");
  EXPECT_EQ(TRACE_BAGGAGE_SET(tenant, pointer), BaggageResult::kOk);
  EXPECT_EQ(zspan::baggage_get(tenant), "beta");
  EXPECT_EQ(TRACE_BAGGAGE_SET(retries, std::int16_t{-7}), BaggageResult::kOk);
  EXPECT_EQ(zspan::baggage_get(retries), -7);
  EXPECT_EQ(TRACE_BAGGAGE_SET(retries, 4000000000u), BaggageResult::kOk);  // unsigned int: always fits
  EXPECT_EQ(zspan::baggage_get(retries), 4000000000);
}

TEST(BaggageKey, TheTextFormIsDecimalAndTrueOrFalse) {
  Tracer tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "request");
  const std::int64_t min = std::numeric_limits<std::int64_t>::min();
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(TRACE_BAGGAGE_SET(retries, min), BaggageResult::kOk);
  EXPECT_EQ(text_of("retries"), "-9223372036854775808");
  EXPECT_EQ(zspan::baggage_get(retries), min);
  EXPECT_EQ(TRACE_BAGGAGE_SET(retries, max), BaggageResult::kOk);
  EXPECT_EQ(text_of("retries"), "9223372036854775807");
  EXPECT_EQ(zspan::baggage_get(retries), max);
  EXPECT_EQ(TRACE_BAGGAGE_SET(retries, 0), BaggageResult::kOk);
  EXPECT_EQ(text_of("retries"), "0");
  EXPECT_EQ(TRACE_BAGGAGE_SET(canary, true), BaggageResult::kOk);
  EXPECT_EQ(text_of("canary"), "true");
  EXPECT_EQ(TRACE_BAGGAGE_SET(canary, false), BaggageResult::kOk);
  EXPECT_EQ(text_of("canary"), "false");
  EXPECT_EQ(TRACE_BAGGAGE_SET(tenant, "a b,c;d%\xc3\xa9"), BaggageResult::kOk);
  EXPECT_EQ(text_of("tenant"), "a b,c;d%\xc3\xa9");  // as given: encoding is the propagator's
}

// What a peer may send under a typed key (set here as a string, as extraction does).
std::optional<std::int64_t> integer_from(std::string_view text) {
  EXPECT_EQ(TRACE_BAGGAGE_SET("retries", text), BaggageResult::kOk);
  return zspan::baggage_get(retries);
}
std::optional<bool> boolean_from(std::string_view text) {
  EXPECT_EQ(TRACE_BAGGAGE_SET("canary", text), BaggageResult::kOk);
  return zspan::baggage_get(canary);
}

TEST(BaggageKey, AnIntegerReadsAsAnOptionalMinusAndDigitsInRange) {
  Tracer tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "request");
  EXPECT_EQ(integer_from("42"), 42);
  EXPECT_EQ(integer_from("-42"), -42);
  EXPECT_EQ(integer_from("007"), 7);
  EXPECT_EQ(integer_from("-0"), 0);
  EXPECT_EQ(integer_from("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(integer_from("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());

  EXPECT_EQ(integer_from("9223372036854775808"), std::nullopt);  // out of range
  EXPECT_EQ(integer_from("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(integer_from("+42"), std::nullopt);
  EXPECT_EQ(integer_from(" 42"), std::nullopt);
  EXPECT_EQ(integer_from("42 "), std::nullopt);
  EXPECT_EQ(integer_from("0x2a"), std::nullopt);
  EXPECT_EQ(integer_from("4.2"), std::nullopt);
  EXPECT_EQ(integer_from("1e3"), std::nullopt);
  EXPECT_EQ(integer_from("-"), std::nullopt);
  EXPECT_EQ(integer_from(""), std::nullopt);
}

TEST(BaggageKey, ABooleanReadsAsTrueOrFalseInAnyCase) {
  Tracer tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "request");
  EXPECT_EQ(boolean_from("true"), true);
  EXPECT_EQ(boolean_from("false"), false);
  EXPECT_EQ(boolean_from("True"), true);
  EXPECT_EQ(boolean_from("FALSE"), false);

  EXPECT_EQ(boolean_from("1"), std::nullopt);
  EXPECT_EQ(boolean_from("0"), std::nullopt);
  EXPECT_EQ(boolean_from("yes"), std::nullopt);
  EXPECT_EQ(boolean_from("t"), std::nullopt);
  EXPECT_EQ(boolean_from("true "), std::nullopt);
  EXPECT_EQ(boolean_from(""), std::nullopt);
}

TEST(BaggageKey, AValueNotOfTheKeysTypeReadsAsNothingAndIsCounted) {
  Tracer tracer{"svc"};
  TRACE_SCOPE_WITH(tracer, "request");
  const std::uint64_t before = zspan::baggage_stats().unparsable_reads;
  EXPECT_EQ(integer_from("three"), std::nullopt);
  EXPECT_EQ(boolean_from("maybe"), std::nullopt);
  EXPECT_EQ(zspan::baggage_stats().unparsable_reads, before + 2);
  EXPECT_EQ(integer_from("3"), 3);
  EXPECT_EQ(zspan::baggage_get(tenant), std::nullopt);  // absent is not unparsable
  EXPECT_EQ(zspan::baggage_stats().unparsable_reads, before + 2);
}

TEST(BaggageKey, RoundTripsThroughW3cBaggageWithAPeersStringValue) {
  Tracer tracer{"svc"};
  const Headers incoming{{"baggage", "tenant=acme%20corp%2C%20EU,retries=3,canary=True,user=alice"}};
  Headers outgoing;
  {
    TRACE_SCOPE_FROM_REMOTE(tracer, "handle", incoming);
    EXPECT_EQ(zspan::baggage_get(tenant), "acme corp, EU");
    EXPECT_EQ(zspan::baggage_get(retries), 3);
    EXPECT_EQ(zspan::baggage_get(canary), true);
    EXPECT_EQ(TRACE_BAGGAGE_SET(retries, -4), BaggageResult::kOk);
    EXPECT_EQ(TRACE_BAGGAGE_SET(canary, false), BaggageResult::kOk);
    zspan::inject(outgoing);
  }
  EXPECT_EQ(outgoing["baggage"], "tenant=acme%20corp%2C%20EU,retries=-4,canary=false,user=alice");
  {
    TRACE_SCOPE_FROM_REMOTE(tracer, "next hop", outgoing);
    EXPECT_EQ(zspan::baggage_get(tenant), "acme corp, EU");
    EXPECT_EQ(zspan::baggage_get(retries), -4);
    EXPECT_EQ(zspan::baggage_get(canary), false);
  }
}

TEST(BaggageKey, APeersMalformedValuesReadAsNothing) {
  Tracer tracer{"svc"};
  const Headers incoming{{"baggage", "retries=%2B3,canary=1"}};  // "+3"
  TRACE_SCOPE_FROM_REMOTE(tracer, "handle", incoming);
  EXPECT_EQ(text_of("retries"), "+3");
  EXPECT_EQ(zspan::baggage_get(retries), std::nullopt);
  EXPECT_EQ(zspan::baggage_get(canary), std::nullopt);
}

}  // namespace
