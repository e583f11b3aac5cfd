// Must not compile: a baggage key is a W3C token (a space is not allowed, nor is an empty
// key), and its value type one of std::string_view, std::int64_t and bool.
#include "zspan/instrument/zspan.hpp"

#ifdef ZSPAN_COMPILE_FAIL
constexpr zspan::BaggageKey<"tenant id", std::string_view> tenant;
constexpr zspan::BaggageKey<"", bool> unnamed;
constexpr zspan::BaggageKey<"ratio", double> ratio;
#else
constexpr zspan::BaggageKey<"tenant.id", std::string_view> tenant;
constexpr zspan::BaggageKey<"-", bool> unnamed;
constexpr zspan::BaggageKey<"ratio", std::int64_t> ratio;
#endif

void handle() {
  TRACE_BAGGAGE_SET(tenant, "acme");
  TRACE_BAGGAGE_SET(unnamed, true);
  TRACE_BAGGAGE_SET(ratio, 1);
}
