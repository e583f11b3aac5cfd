// Composite: several header formats as one propagator, chosen at compile time.
//
//   using Propagator = zspan::Composite<zspan::TraceContextPropagator, zspan::B3Propagator<zspan::B3Encoding::kMulti>>;
//   Propagator{}.inject(ctx, headers);    // writes traceparent and X-B3-*
//
// Injection writes every format. Extraction runs them in order, as OpenTelemetry's
// composite does: a format that finds a valid context replaces what an earlier one
// found, one that finds none leaves it; baggage from all of them is merged.
#pragma once

#include <tuple>

#include "zspan/trace/propagation/carrier.hpp"
#include "zspan/trace/span_context.hpp"

namespace zspan {

template <class... Formats>
struct Composite {
  std::tuple<Formats...> formats;

  template <ReadableCarrier C>
  void extract(const C& carrier, SpanContext& ctx) const {
    std::apply([&](const auto&... f) { (f.extract(carrier, ctx), ...); }, formats);
  }

  template <WritableCarrier C>
  void inject(const SpanContext& ctx, C& carrier) const {
    std::apply([&](const auto&... f) { (f.inject(ctx, carrier), ...); }, formats);
  }
};

}  // namespace zspan
