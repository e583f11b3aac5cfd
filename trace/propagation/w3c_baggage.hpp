// W3C Baggage (https://www.w3.org/TR/baggage/): the `baggage` header.
//
//   baggage: userId=alice,serverNode=DF%2028,isProduction=false;ttl=5
//
//   zspan::W3CBaggagePropagator baggage;
//   baggage.extract(request_headers, ctx);   // merged into ctx.baggage
//   baggage.inject(ctx, outgoing_headers);
//
// Values are percent-decoded on the way in and encoded on the way out (§3.2.1.3);
// properties after ";" are kept verbatim in Entry::metadata. Malformed members are
// dropped one by one (and counted), not the whole header: the rest is still useful.
//
// The limits of trace/baggage.hpp (§3.3.2: 64 members, 8192 bytes) hold for all the
// baggage header lines of a request together, and for the context's baggage whatever
// other format brought part of it; the header injected holds no more. Members beyond
// them are dropped whole and counted (propagation_drops().baggage_dropped).
#pragma once

#include <string>
#include <string_view>

#include "zspan/trace/baggage.hpp"
#include "zspan/trace/propagation/carrier.hpp"
#include "zspan/trace/span_context.hpp"

namespace zspan {

// Adds the members of one baggage header line to `baggage` (a later member replaces an
// earlier one of the same key), within the limits.
void parse_baggage(std::string_view line, BaggageBuilder& baggage);
// The members of `baggage` that are valid and fit the limits, in order, as one header.
std::string format_baggage(const Baggage& baggage);

namespace detail {
// Passes `result` through; a member refused by the limits is counted as dropped.
BaggageResult count_baggage_drop(BaggageResult result) noexcept;
}  // namespace detail

struct W3CBaggagePropagator {
  template <ReadableCarrier C>
  void extract(const C& carrier, SpanContext& ctx) const {
    BaggageBuilder baggage(ctx.baggage);
    visit_headers(carrier, [&](std::string_view name, std::string_view value) {
      if (header_name_equals(name, "baggage")) parse_baggage(value, baggage);
    });
    ctx.baggage = std::move(baggage).build();
  }

  template <WritableCarrier C>
  void inject(const SpanContext& ctx, C& carrier) const {
    if (!ctx.baggage || ctx.baggage->entries().empty()) return;
    const std::string value = format_baggage(*ctx.baggage);
    if (!value.empty()) set_header(carrier, "baggage", value);
  }
};

}  // namespace zspan
