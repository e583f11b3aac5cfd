// parse_traceparent; what parses must format and parse back to the same ids.
#include "tests/fuzz/fuzz_input.hpp"
#include "zspan/trace/propagation/trace_context.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zspan;
  const std::optional<TraceParent> parsed = parse_traceparent(fuzz::as_text(data, size));
  if (!parsed) return 0;
  char formatted[kTraceParentSize];
  format_traceparent(parsed->trace_id, parsed->parent_id, parsed->flags, formatted);
  const std::optional<TraceParent> again = parse_traceparent(std::string_view(formatted, kTraceParentSize));
  fuzz::require(again && again->trace_id == parsed->trace_id && again->parent_id == parsed->parent_id &&
                again->flags == parsed->flags && (parsed->flags.bits & ~TraceFlags::kW3C) == 0);
  return 0;
}
