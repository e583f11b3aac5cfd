// parse_baggage and format_baggage: within the W3C limits, and stable once formatted.
#include "tests/fuzz/fuzz_input.hpp"
#include "trace/propagation/w3c_baggage.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zspan;
  std::vector<Baggage::Entry> entries;
  for (std::string_view line : fuzz::lines(fuzz::as_text(data, size))) parse_baggage(line, entries);
  fuzz::require(entries.size() <= kBaggageMaxEntries);
  const std::string formatted = format_baggage(Baggage(entries));
  fuzz::require(formatted.size() <= kBaggageMaxBytes);
  std::vector<Baggage::Entry> again;
  parse_baggage(formatted, again);
  fuzz::require(format_baggage(Baggage(again)) == formatted);
  return 0;
}
