// parse_tracestate over header lines; what parses has unique keys (repeated ones are
// dropped) and must parse back from its header value alike.
#include "tests/fuzz/fuzz_input.hpp"
#include "zspan/trace/propagation/trace_context.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zspan;
  const std::vector<std::string_view> lines = fuzz::lines(fuzz::as_text(data, size));
  const detail::SharedRef<const TraceState> state = parse_tracestate(lines);
  if (!state) return 0;
  fuzz::require(state->members().size() <= 32);
  for (std::size_t i = 0; i < state->members().size(); ++i)
    for (std::size_t j = 0; j < i; ++j) fuzz::require(state->members()[i].key != state->members()[j].key);
  const std::string_view line = state->header_value();
  const detail::SharedRef<const TraceState> again = parse_tracestate(std::span(&line, 1));
  fuzz::require(again && again->header_value() == line);
  return 0;
}
