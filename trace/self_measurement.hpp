// What zspan measures about itself: the cost of recording one span on this machine, for
// zspan::stats().span_cost_nanos and tracing_cpu_fraction().
//
// Measured once, by the collector thread when it starts (never on a user thread): the hot
// path of a sampled root span without tags (ids, clock reads, make current, end, copy into
// a private buffer whose pages are already touched), the best of five rounds of 2000
// spans, as the machine is not idle: what BM_SpanSampledBare measures (the report shows
// both). Not included: tags and logs, sampled-out spans, the pages a growing ring touches
// for the first time, and the collector's and exporters' work.
#pragma once

namespace zspan::detail {

// Nanoseconds per span; 0 if it could not be measured.
double measure_span_cost() noexcept;

}  // namespace zspan::detail
