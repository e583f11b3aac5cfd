// parse_baggage and format_baggage: within the W3C limits, and stable once formatted.
#include "tests/fuzz/fuzz_input.hpp"
#include "zspan/trace/propagation/w3c_baggage.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zspan;
  BaggageBuilder received(nullptr);
  for (std::string_view line : fuzz::lines(fuzz::as_text(data, size))) parse_baggage(line, received);
  const detail::SharedRef<const Baggage> baggage = std::move(received).build();
  if (!baggage) return 0;
  fuzz::require(baggage->entries().size() <= kBaggageMaxEntries && baggage->header_bytes() <= kBaggageMaxBytes);
  const std::string formatted = format_baggage(*baggage);
  fuzz::require(formatted.size() == baggage->header_bytes());
  BaggageBuilder again(nullptr);
  parse_baggage(formatted, again);
  fuzz::require(format_baggage(*std::move(again).build()) == formatted);
  return 0;
}
