// Must not compile: retries is declared as an integer, through the macro (whose value is
// not evaluated with tracing compiled out, but still checked), the function and a span.
#include "zspan/instrument/zspan.hpp"

constexpr zspan::BaggageKey<"retries", std::int64_t> retries;

void handle(zspan::ScopedSpan& span) {
#ifdef ZSPAN_COMPILE_FAIL
  TRACE_BAGGAGE_SET(retries, "3");
  zspan::baggage_set(retries, 2.5);
  span.set_baggage(retries, std::uint64_t{1});
#else
  TRACE_BAGGAGE_SET(retries, 3);
  zspan::baggage_set(retries, 2);
  span.set_baggage(retries, 1u);
#endif
}
