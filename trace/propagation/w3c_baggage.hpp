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
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "trace/baggage.hpp"
#include "trace/propagation/carrier.hpp"
#include "trace/span_context.hpp"

namespace zspan {

// W3C Baggage §3.3 Limits (kBaggageMaxEntries, kBaggageMaxBytes, kBaggageMaxEntryBytes in
// trace/baggage.hpp) apply on the way in and on the way out: members beyond them are
// dropped and counted.

// Appends the members of one baggage header line to `entries` (a later member replaces
// an earlier one of the same key), within the limits.
void parse_baggage(std::string_view line, std::vector<Baggage::Entry>& entries);
std::string format_baggage(const Baggage& baggage);

// `into` with `entries` added (replacing same keys); left as is when `entries` is empty.
void merge_baggage(SharedRef<const Baggage>& into, std::vector<Baggage::Entry> entries) noexcept;
void upsert_baggage_entry(std::vector<Baggage::Entry>& entries, Baggage::Entry entry);

struct W3CBaggagePropagator {
  template <ReadableCarrier C>
  void extract(const C& carrier, SpanContext& ctx) const {
    std::vector<Baggage::Entry> entries;
    visit_headers(carrier, [&](std::string_view name, std::string_view value) {
      if (header_name_equals(name, "baggage")) parse_baggage(value, entries);
    });
    merge_baggage(ctx.baggage, std::move(entries));
  }

  template <WritableCarrier C>
  void inject(const SpanContext& ctx, C& carrier) const {
    if (!ctx.baggage || ctx.baggage->entries().empty()) return;
    const std::string value = format_baggage(*ctx.baggage);
    if (!value.empty()) set_header(carrier, "baggage", value);
  }
};

}  // namespace zspan
